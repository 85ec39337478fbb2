"""Fine-tune the released PP-OCRv3 detector on a handful of real images and report hmean at the
start (step 0), the best and the final one: the detection recipe of docs/fine_tuning.md.

    python bench/finetune_det_small.py [--work DIR] [--recipe recipe|no_freeze] [-o KEY=VALUE ...]

Data: the two labelled receipt photos of ../shared/data/det_toy_receipts (86 boxes), used for
training and evaluation alike (a fit check on real images, not a generalisation figure).
Needs `make pretrained`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(REPO), "shared", "data", "det_toy_receipts")
RELEASED = os.path.join(REPO, "pretrained", "ppocrv3_det")
COMMON = ["Optimizer.lr.learning_rate=0.0001", "Optimizer.lr.warmup_epoch=0", "Global.epoch_num=16",
          "Global.eval_batch_step=[0,2]", "Train.dataset.transforms.EastRandomCropData.size=[640,640]"]
RECIPES = {"recipe": ["Global.freeze_norm=true", *COMMON], "no_freeze": COMMON}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.path.join(REPO, "output", "bench_finetune_det_small"))
    ap.add_argument("--recipe", choices=sorted(RECIPES), default="recipe")
    ap.add_argument("-o", nargs="*", default=[], help="more overrides")
    args = ap.parse_args()
    for path, what in ((os.path.join(RELEASED, "model.pdparams"), "run `make pretrained`"),
                       (DATA, "the real receipts")):
        if not os.path.exists(path):
            sys.exit(f"{path} is absent ({what})")
    out = os.path.join(args.work, args.recipe)
    shutil.rmtree(out, ignore_errors=True)
    labels = os.path.join(DATA, "det_gt_paddleocr.txt")
    o = [f"Global.pretrained_model={RELEASED}", f"Global.save_model_dir={out}", "Global.use_gpu=false",
         "Global.print_batch_step=2", f"Train.dataset.data_dir={DATA}", f"Train.dataset.label_file_list=[{labels}]",
         f"Eval.dataset.data_dir={DATA}", f"Eval.dataset.label_file_list=[{labels}]",
         "Eval.dataset.transforms.DetResizeForTest.limit_side_len=960",
         "Eval.dataset.transforms.DetResizeForTest.limit_type=max",
         "Train.loader.batch_size_per_card=2", "Train.loader.num_workers=0", "Eval.loader.num_workers=0",
         *RECIPES[args.recipe], *args.o]
    cmd = [sys.executable, "tools/train.py", "-c", "configs/det/ppocrv3_det_student.yml", "-o", *o]
    print(" ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=REPO, check=True)
    records = [json.loads(line) for line in open(os.path.join(out, "log.jsonl"), encoding="utf-8")]
    summary = [r for r in records if r["kind"] == "summary"][-1]
    evals = [(r["step"], round(r["hmean"], 4)) for r in records if r["kind"] == "eval"]
    print(json.dumps({"recipe": args.recipe, "start": summary.get("start"), "best": summary.get("best"),
                      "best_step": summary.get("best_step"), "final": summary.get("final"), "evals": evals,
                      "wall_s": summary.get("wall_s")}))


if __name__ == "__main__":
    main()

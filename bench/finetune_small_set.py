"""Fine-tune the released PP-OCRv3 recogniser on a small real-looking set and report the eval
accuracy at the start (step 0), the best and the final one: the recipe of docs/fine_tuning.md.

    python bench/finetune_small_set.py [--work DIR] [--recipe recipe|plain] [-o KEY=VALUE ...]

The set: the real English scene-word crops of ../shared/data/rec_toy (6 train, 4 eval) and the
upright Chinese crop of ../shared/data/rec_cls_crops (eval), plus generated lines in ppocr_synth's
style (``--style``, default mixed; 24 train, 15 eval): 30 train / 20 eval crops. Needs `make pretrained`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(REPO), "shared", "data")
RELEASED = os.path.join(REPO, "pretrained", "ppocrv3_rec")

RECIPES = {
    # docs/fine_tuning.md: the CTC branch of the release (ppocrv3_rec_finetune.yml: the backbone has
    # no trainable path), its BatchNorm frozen, lr 2e-4 with cosine decay, no warm-up, eval often
    "recipe": ("configs/rec/ppocrv3_rec_finetune.yml",
               ["Global.freeze_norm=true", "Optimizer.lr.learning_rate=0.0002", "Optimizer.lr.warmup_steps=0",
                "Global.epoch_num=10", "Global.eval_batch_step=[0,4]"]),
    # the same without freeze_norm: BatchNorm statistics of tiny padded batches move
    "no_freeze": ("configs/rec/ppocrv3_rec_finetune.yml",
                  ["Optimizer.lr.learning_rate=0.0002", "Optimizer.lr.warmup_steps=0", "Global.epoch_num=10",
                   "Global.eval_batch_step=[0,4]"]),
    # PaddleOCR's GTC fine-tune: a fresh SAR branch guides (and at first disturbs) the backbone
    "gtc": ("configs/rec/ppocrv3_rec.yml",
            ["Global.freeze_norm=true", "Optimizer.lr.learning_rate=0.0001", "Optimizer.lr.warmup_epoch=0",
             "Global.epoch_num=10", "Global.eval_batch_step=[0,4]"]),
}


def build_set(work: str, style: str) -> tuple[str, str]:
    from ppocr_synth import make_rec_set

    real = [line.split("\t") for line in open(os.path.join(SHARED, "rec_toy", "rec_gt_paddleocr.txt"),
                                               encoding="utf-8").read().splitlines() if line.strip()]
    for split, n_gen, seed in (("train", 24, 11), ("eval", 15, 12)):
        root = os.path.join(work, split)
        make_rec_set(root, n_gen, seed=seed, style=style, min_len=3, max_len=12)
        lines = open(os.path.join(root, "label.txt"), encoding="utf-8").read().splitlines()
        picks = [(os.path.join(SHARED, "rec_toy", p), t) for p, t in (real[:6] if split == "train" else real[6:])]
        if split == "eval":
            picks.append((os.path.join(SHARED, "rec_cls_crops", "text_rec.jpg"), "韩国小馆"))
        for i, (path, text) in enumerate(picks):
            name = f"images/real_{i}{os.path.splitext(path)[1]}"
            shutil.copy(path, os.path.join(root, name))
            lines.append(f"{name}\t{text}")
        with open(os.path.join(root, "label.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return os.path.join(work, "train"), os.path.join(work, "eval")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.path.join(REPO, "output", "bench_finetune_small"))
    ap.add_argument("--recipe", choices=sorted(RECIPES), default="recipe")
    ap.add_argument("--style", default="mixed", help="ppocr_synth style of the generated lines")
    ap.add_argument("-o", nargs="*", default=[], help="more overrides")
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(RELEASED, "model.pdparams")):
        sys.exit(f"{RELEASED} is absent: run `make pretrained`")
    if not os.path.isdir(SHARED):
        sys.exit(f"{SHARED} is absent (the real crops)")
    data = os.path.join(args.work, f"data_{args.style}")
    if not os.path.isdir(data):
        build_set(data, args.style)
    out = os.path.join(args.work, args.recipe)
    shutil.rmtree(out, ignore_errors=True)
    o = [f"Global.pretrained_model={RELEASED}", f"Global.character_dict_path={RELEASED}/ppocr_keys_v1.txt",
         f"Global.save_model_dir={out}", "Global.use_gpu=false", "Global.print_batch_step=4",
         f"Train.dataset.data_dir={data}/train", f"Train.dataset.label_file_list=[{data}/train/label.txt]",
         f"Eval.dataset.data_dir={data}/eval", f"Eval.dataset.label_file_list=[{data}/eval/label.txt]",
         "Train.loader.batch_size_per_card=8", "Train.loader.num_workers=0", "Eval.loader.num_workers=0",
         "Eval.loader.batch_size_per_card=20", *RECIPES[args.recipe][1], *args.o]
    cmd = [sys.executable, "tools/train.py", "-c", RECIPES[args.recipe][0], "-o", *o]
    print(" ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=REPO, check=True)
    records = [json.loads(line) for line in open(os.path.join(out, "log.jsonl"), encoding="utf-8")]
    summary = [r for r in records if r["kind"] == "summary"][-1]
    evals = [(r["step"], r["acc"]) for r in records if r["kind"] == "eval"]
    print(json.dumps({"recipe": args.recipe, "start": summary.get("start"), "best": summary.get("best"),
                      "best_step": summary.get("best_step"), "final": summary.get("final"), "evals": evals,
                      "wall_s": summary.get("wall_s")}))


if __name__ == "__main__":
    main()

"""The demo of a fresh machine (`make demo`): every step is a command a user can run by hand.

  python tools/demo.py all     generate data, train the direction classifier, evaluate, export, infer
  python tools/demo.py data    only generate the data sets under train_data/
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLS_CFG = "configs/cls/ppocrv3_cls.yml"
CLS_OUT = "output/demo/cls"
# CPU-sized settings for the classifier (PaddleOCR's config trains with batch 512 for 100 epochs)
CLS_TRAIN = ["Global.epoch_num=4", "Train.loader.batch_size_per_card=64", "Train.loader.num_workers=2",
             "Eval.loader.batch_size_per_card=128", "Eval.loader.num_workers=0", "Global.print_batch_step=20",
             "Global.eval_batch_step=[0,100]", "Global.save_latest_step=50", f"Global.save_model_dir={CLS_OUT}",
             "Optimizer.lr.warmup_steps=20"]


def run(*cmd: str, echo: bool = True) -> str:
    """Run a tool, streaming its output; returns what it printed."""
    print(f"\n$ python {' '.join(shlex.quote(c) for c in cmd)}", flush=True)
    proc = subprocess.Popen([sys.executable, *cmd], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if echo:
            sys.stdout.write(line)
            sys.stdout.flush()
    if proc.wait() != 0:
        sys.exit(f"demo step failed ({proc.returncode}): {' '.join(cmd)}")
    return "".join(lines)


def data() -> None:
    for kind, split, num, seed in (("cls", "train", 4000, 1), ("cls", "eval", 600, 2)):
        out = f"train_data/{kind}/{split}"
        if os.path.isfile(os.path.join(REPO, out, "label.txt")):
            print(f"{out} exists, kept")
            continue
        run("tools/synth_data.py", kind, "--out", out, "--num", str(num), "--seed", str(seed), "--style", "mixed")


def classifier() -> float:
    t0 = time.time()
    run("tools/train.py", "-c", CLS_CFG, "-o", *CLS_TRAIN)
    train_s = time.time() - t0
    out = run("tools/eval.py", "-c", CLS_CFG, "-o", f"Global.checkpoints={CLS_OUT}/best_accuracy")
    acc = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])["acc"]
    run("tools/export_model.py", "-c", CLS_CFG, "-o", f"Global.pretrained_model={CLS_OUT}/best_accuracy",
        "--output", f"{CLS_OUT}_infer")
    lines = run("tools/infer.py", "cls", "--model_dir", f"{CLS_OUT}_infer", "--image_dir",
                "train_data/cls/eval/images", echo=False).strip().splitlines()
    print(f"\n(infer printed {len(lines)} lines; first: {lines[0] if lines else '-'})")
    print(f"\ndirection classifier: eval accuracy {acc:.4f} after {train_s / 60:.1f} min of training")
    return acc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["all", "data"])
    args = parser.parse_args()
    data()
    if args.step == "all":
        classifier()


if __name__ == "__main__":
    main()

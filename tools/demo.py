"""The demo of a fresh machine (`make demo`): every step is a command a user can run by hand.

  python tools/demo.py all     import the released models, generate data, fine-tune the direction
                               classifier, evaluate before and after, export, infer
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
CLS_PRETRAINED = "pretrained/ppocrv3_cls"
# CPU-sized fine-tuning of the released classifier (PaddleOCR's config trains from scratch with
# batch 512 for 100 epochs, far beyond a CPU demo)
CLS_TRAIN = [f"Global.pretrained_model={CLS_PRETRAINED}", "Global.epoch_num=2", "Train.loader.batch_size_per_card=64",
             "Train.loader.num_workers=1", "Eval.loader.batch_size_per_card=250", "Eval.loader.num_workers=0",
             "Global.print_batch_step=25", "Global.eval_batch_step=[0,50]", "Global.save_latest_step=50",
             f"Global.save_model_dir={CLS_OUT}", "Optimizer.lr.learning_rate=0.001", "Optimizer.lr.warmup_steps=20"]
# text-line crops in the clean style, at least 6 characters (a 1-3 character crop such as "69" or
# "NOON" can read the same both ways up)
CLS_DATA = ["--style", "clean", "--min_len", "6"]


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
    for kind, split, num, seed, extra in (("cls", "train", 6000, 1, CLS_DATA), ("cls", "eval", 1000, 2, CLS_DATA)):
        out = f"train_data/{kind}/{split}"
        if os.path.isfile(os.path.join(REPO, out, "label.txt")):
            print(f"{out} exists, kept")
            continue
        run("tools/synth_data.py", kind, "--out", out, "--num", str(num), "--seed", str(seed), *extra)


def evaluate(config: str, weights: str) -> dict:
    out = run("tools/eval.py", "-c", config, "--weights", weights)
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def classifier() -> float:
    before = evaluate(CLS_CFG, CLS_PRETRAINED)["acc"]
    t0 = time.time()
    run("tools/train.py", "-c", CLS_CFG, "-o", *CLS_TRAIN)
    train_s = time.time() - t0
    acc = evaluate(CLS_CFG, f"{CLS_OUT}/best_accuracy")["acc"]
    run("tools/export_model.py", "-c", CLS_CFG, "-o", f"Global.pretrained_model={CLS_OUT}/best_accuracy",
        "--output", f"{CLS_OUT}_infer")
    lines = run("tools/infer.py", "cls", "--model_dir", f"{CLS_OUT}_infer", "--image_dir",
                "train_data/cls/eval/images", echo=False).strip().splitlines()
    print(f"\n(infer printed {len(lines)} lines; first: {lines[0] if lines else '-'})")
    print(f"\ndirection classifier on the generated eval set: released model {before:.4f}, "
          f"fine-tuned {acc:.4f} ({train_s / 60:.1f} min of training)")
    return acc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["all", "data"])
    args = parser.parse_args()
    if args.step == "all":
        run("tools/import_pretrained.py")
    data()
    if args.step == "all":
        classifier()


if __name__ == "__main__":
    main()

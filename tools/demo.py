"""The demo of a fresh machine (`make demo`): every step is a command a user can run by hand.

  python tools/demo.py all     import the released PP-OCRv3 models; generate text lines the released
                               recogniser misreads (digit groups and separators: it drops the spaces);
                               evaluate it, fine-tune it on CPU for a few minutes, evaluate again,
                               export (Paddle Inference + ONNX) and run the OCR system with it
  python tools/demo.py data    only generate the demo's data under train_data/rec_demo/
  python tools/demo.py cls     the direction classifier: fine-tune the released one the same way

Sized for 2 CPU cores: the whole `all` step takes about 6-9 minutes (see docs/fine_tuning.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = "output/demo"

# -- recogniser ------------------------------------------------------------------------------------
REC_CFG = "configs/rec/ppocrv3_rec_finetune.yml"   # the released model's CTC branch, CPU-sized
REC_PRETRAINED = "pretrained/ppocrv3_rec"
REC_DATA_DIR = "train_data/rec_demo"
# Lines of digit groups with - : / separators, drawn in the clean style: the released Chinese model
# reads the characters but drops (and sometimes invents) the spaces between groups.
REC_CHARS = "0123456789 -:/"
REC_DATA = ["--style", "clean", "--chars", REC_CHARS, "--min_len", "8", "--max_len", "20"]
REC_SETS = (("train", 2000, 1), ("eval", 200, 2))
REC_STEPS = 120
REC_BATCH = 16
REC_OUT = f"{OUT}/rec"
REC_INFER = f"{OUT}/rec_infer"


def rec_data_overrides() -> list[str]:
    return [f"{split.capitalize()}.{key}" for split, _, _ in REC_SETS for key in (
        f"dataset.data_dir={REC_DATA_DIR}/{split}",
        f"dataset.label_file_list=[{REC_DATA_DIR}/{split}/label.txt]")]


REC_EVAL = ["Eval.loader.batch_size_per_card=50", "Eval.loader.num_workers=1", "Global.use_gpu=false"]
REC_TRAIN = [f"Global.save_model_dir={REC_OUT}", f"Global.max_iters={REC_STEPS}", "Global.print_batch_step=10",
             "Global.eval_batch_step=[0,100000]", "Global.eval_epoch_end=false",   # evaluated after training
             f"Train.loader.batch_size_per_card={REC_BATCH}", "Train.loader.num_workers=1",
             "Optimizer.lr.learning_rate=0.0005", "Optimizer.lr.warmup_steps=20"]
PAGE_DIR = f"{REC_DATA_DIR}/page"   # one generated page of the same kind of lines, for the OCR system
SAMPLES = 6                          # eval lines shown with both models' readings

# -- direction classifier (`cls` step) ---------------------------------------------------------------
CLS_CFG = "configs/cls/ppocrv3_cls.yml"
CLS_OUT = f"{OUT}/cls"
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


def generate(kind: str, out: str, num: int, seed: int, extra: list[str]) -> None:
    if os.path.isfile(os.path.join(REPO, out, "label.txt")):
        print(f"{out} exists, kept")
        return
    run("tools/synth_data.py", kind, "--out", out, "--num", str(num), "--seed", str(seed), *extra)


def rec_data() -> None:
    for split, num, seed in REC_SETS:
        generate("rec", f"{REC_DATA_DIR}/{split}", num, seed, REC_DATA)
    generate("det", PAGE_DIR, 1, 3, ["--chars", REC_CHARS, "--style", "clean", "--height", "480",
                                     "--width", "640", "--dont_care", "0"])


def evaluate(config: str, weights: str, *opts: str) -> dict:
    out = run("tools/eval.py", "-c", config, "--weights", weights, *(["-o", *opts] if opts else []))
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def recogniser() -> dict:
    timings = {}
    t0 = time.time()
    before = evaluate(REC_CFG, REC_PRETRAINED, *rec_data_overrides(), *REC_EVAL)
    timings["eval_before_s"] = time.time() - t0

    t0 = time.time()
    run("tools/train.py", "-c", REC_CFG, "-o", *rec_data_overrides(), *REC_TRAIN, *REC_EVAL,
        f"Global.pretrained_model={REC_PRETRAINED}")
    timings["train_s"] = time.time() - t0

    t0 = time.time()
    after = evaluate(REC_CFG, f"{REC_OUT}/latest", *rec_data_overrides(), *REC_EVAL)
    timings["eval_after_s"] = time.time() - t0

    t0 = time.time()
    run("tools/export_model.py", "-c", REC_CFG, "-o", f"Global.pretrained_model={REC_OUT}/latest",
        "--output", REC_INFER, "--onnx")
    timings["export_s"] = time.time() - t0

    t0 = time.time()
    examples = compare_samples()
    timings["examples_s"] = time.time() - t0

    t0 = time.time()
    page = os.path.join(PAGE_DIR, "images")
    page = os.path.join(page, sorted(os.listdir(os.path.join(REPO, page)))[0])
    run("tools/infer.py", "system", "--image_dir", page, "--rec_model_dir", REC_INFER,
        "--output", f"{OUT}/system")
    timings["system_s"] = time.time() - t0
    return {"released": before, "fine_tuned": after, "steps": REC_STEPS, "batch_size": REC_BATCH,
            "page": page, "examples": examples, **{k: round(v, 1) for k, v in timings.items()}}


def read_texts(infer_output: str) -> dict:
    """{image file name: text} from `tools/infer.py rec` lines (path, text, score)."""
    texts = {}
    for line in infer_output.splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            texts[os.path.basename(parts[0])] = parts[1]
    return texts


def compare_samples() -> list[dict]:
    """The first eval lines read by the released and by the fine-tuned recogniser."""
    folder = os.path.join(REPO, OUT, "samples")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(REPO, REC_DATA_DIR, "eval", "label.txt"), encoding="utf-8") as f:
        labelled = [line.rstrip("\n").split("\t", 1) for line in f][:SAMPLES]
    for path, _ in labelled:
        shutil.copy(os.path.join(REPO, REC_DATA_DIR, "eval", path), folder)
    released = read_texts(run("tools/infer.py", "rec", "-c", REC_CFG, "--weights", REC_PRETRAINED,
                              "--image_dir", folder))
    tuned = read_texts(run("tools/infer.py", "rec", "--model_dir", REC_INFER, "--image_dir", folder))
    return [{"label": text, "released": released.get(os.path.basename(path)),
             "fine_tuned": tuned.get(os.path.basename(path))} for path, text in labelled]


def classifier() -> dict:
    for split, num, seed in (("train", 6000, 1), ("eval", 1000, 2)):
        generate("cls", f"train_data/cls/{split}", num, seed, CLS_DATA)
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
    return {"released_acc": before, "fine_tuned_acc": acc, "train_s": round(train_s, 1)}


def summary(result: dict, total_s: float) -> None:
    b, a = result["released"], result["fine_tuned"]
    n = int(b.get("count", 0))
    print("\n" + "=" * 78)
    print(f"PP-OCRv3 recogniser on {n} generated lines of digit groups ({REC_DATA_DIR}/eval)")
    print(f"  released model    acc {b['acc']:.3f}   normalised edit distance {b['norm_edit_dis']:.3f}")
    print(f"  fine-tuned model  acc {a['acc']:.3f}   normalised edit distance {a['norm_edit_dis']:.3f}")
    print(f"  fine-tuning: {result['steps']} steps of {result['batch_size']} lines, "
          f"{result['train_s'] / 60:.1f} min on {os.cpu_count()} CPU core(s)")
    print("  examples (label | released | fine-tuned):")
    for e in result["examples"]:
        print(f"    {e['label']!r:26} {e['released']!r:26} {e['fine_tuned']!r}")
    print(f"  export: {REC_INFER}/ (inference.json, inference.pdiparams, inference.onnx)")
    print(f"  OCR system on {result['page']}: {OUT}/system/system_results.txt")
    print(f"  demo wall time: {total_s / 60:.1f} min")
    print("=" * 78)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["all", "data", "cls"])
    args = parser.parse_args()
    t0 = time.time()
    if args.step == "data":
        rec_data()
        return
    run("tools/import_pretrained.py")
    if args.step == "cls":
        classifier()
        return
    rec_data()
    result = recogniser()
    total = time.time() - t0
    from ppocr.utils.io import atomic_write_json

    atomic_write_json(os.path.join(REPO, OUT, "summary.json"), {**result, "total_s": round(total, 1)})
    summary(result, total)


if __name__ == "__main__":
    main()

"""Import PaddleOCR's released PP-OCRv3 models (det, rec, cls) as checkpoints under pretrained/.

  python tools/import_pretrained.py [--out pretrained] [--cache .cache] [--force]

Downloads the rapidocr-onnxruntime==1.2.13 wheel once (pip download --no-deps), imports each ONNX
model into our architecture, checks it against onnxruntime (max abs difference <= 1e-4, else it
fails and writes nothing) and writes pretrained/<name>/{model.pdparams, config.yml, state.json}.
"""

import argparse
import json

from ppocr.cli import run_main


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="pretrained")
    p.add_argument("--cache", default=".cache")
    p.add_argument("--force", action="store_true", help="import again even when up to date")
    args = p.parse_args()
    from ppocr.pretrained.release import import_all

    for name, state in import_all(args.out, args.cache, args.force).items():
        print(json.dumps({"model": name, "max_abs_diff_vs_onnxruntime": state["max_abs_diff"],
                          "tensors": state["tensors"], "dir": f"{args.out}/{name}"}))


if __name__ == "__main__":
    run_main(main)

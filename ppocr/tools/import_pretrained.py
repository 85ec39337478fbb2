"""Import PaddleOCR's released PP-OCRv3 models (det, rec, cls) as checkpoints (``ppocr-pretrained``).

  ppocr-pretrained [--out DIR] [--cache DIR] [--force]
  python -m ppocr.tools.import_pretrained ...        (`make pretrained`: --out pretrained --cache .cache)

Downloads the rapidocr-onnxruntime==1.2.13 wheel once (pip download --no-deps), imports each ONNX
model into our architecture, checks it against onnxruntime (max abs difference <= 1e-4, else it
fails and writes nothing) and writes <out>/<name>/{model.pdparams, config.yml, state.json}.

--out defaults to where the OCR system looks for the models: $PPOCR_PRETRAINED, else a checkout's
pretrained/ when it has one, else ~/.cache/ppocr/pretrained ($XDG_CACHE_HOME/ppocr/pretrained).
--cache defaults to $PPOCR_CACHE, else a checkout's .cache/, else ~/.cache/ppocr/downloads.
"""

import argparse
import json
import os

from ppocr.cli import run_main
from ppocr.utils.paths import download_cache, pretrained_root


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=None, help=f"where the models go (default here: {pretrained_root()})")
    p.add_argument("--cache", default=None, help=f"where the wheel is downloaded (default here: {download_cache()})")
    p.add_argument("--force", action="store_true", help="import again even when up to date")
    args = p.parse_args()
    from ppocr.pretrained.release import import_all

    out = args.out or str(pretrained_root())
    cache = args.cache or str(download_cache())
    for name, state in import_all(out, cache, args.force).items():
        print(json.dumps({"model": name, "max_abs_diff_vs_onnxruntime": state["max_abs_diff"],
                          "tensors": state["tensors"], "dir": os.path.join(out, name)}))


def cli() -> None:
    """The ``ppocr-pretrained`` console command."""
    run_main(main)


if __name__ == "__main__":
    cli()

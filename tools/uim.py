"""UIM: pseudo-label unlabelled text crops with a strong recogniser (PP-OCRv3's unlabelled images mining).

  python tools/uim.py --image_dir CROPS --output train_data/uim/pseudo.txt --min_score 0.95
  python tools/uim.py --list_file crops.txt --data_dir DIR --output OUT.txt [--min_len 2 --max_len 25]
      [--charset ppocr/utils/dict/en_dict.txt] [--relative_to DIR]
      [--model_dir EXPORT | -c CONFIG -o ... --weights W]      (default: the released PP-OCRv3 recogniser,
                                                                 pretrained/ppocrv3_rec with configs/rec/ppocrv3_rec.yml)

Writes OUT.txt (PaddleOCR rec labels, `path<TAB>text`, absolute paths unless --relative_to),
OUT.summary.json (kept, dropped by reason, score histograms) and OUT.txt.journal.jsonl (every
prediction). Run the same command again after an interruption: it continues where the journal
stops, without doubling lines. A rerun with other filters re-derives OUT.txt from the journal.
Mix the result with labelled data through SimpleDataSet's label_file_list + ratio_list (docs/ssl.md).
"""

import argparse
import os

from ppocr.cli import run_main

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CONFIG = os.path.join(REPO, "configs", "rec", "ppocrv3_rec.yml")
DEFAULT_WEIGHTS = os.path.join(REPO, "pretrained", "ppocrv3_rec")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--image_dir", help="a folder of crops (every image below it) or one image")
    src.add_argument("--list_file", help="crop paths, one a line (text after a tab is ignored)")
    p.add_argument("--data_dir", default="", help="folder the --list_file paths are relative to")
    p.add_argument("--output", required=True, help="label file to write (OUT.txt)")
    p.add_argument("--min_score", type=float, default=0.9, help="keep predictions scoring at least this "
                   "(mean of the per-character maxima, as PaddleOCR) (default %(default)s)")
    p.add_argument("--min_len", type=int, default=1, help="shortest text kept (default %(default)s)")
    p.add_argument("--max_len", type=int, default=0, help="longest text kept (0: no limit)")
    p.add_argument("--charset", help="dictionary file: keep only texts made of its characters (and space)")
    p.add_argument("--relative_to", help="write paths relative to this folder (a config's data_dir)")
    p.add_argument("--model_dir", help="export directory of a recogniser (tools/export_model.py)")
    p.add_argument("-c", "--config", help=f"recogniser training config (default {os.path.relpath(DEFAULT_CONFIG, REPO)})")
    p.add_argument("-o", "--opt", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
                   help="config overrides")
    p.add_argument("--weights", help="checkpoint with -c (default: Global.pretrained_model; with the "
                                     f"default config: {os.path.relpath(DEFAULT_WEIGHTS, REPO)})")
    p.add_argument("--batch_size", type=int, default=32, help="crops read, recognised and journalled together")
    p.add_argument("--use_mkldnn", default="true", choices=["true", "false"], help="oneDNN with --model_dir")
    return p.parse_args()


def create_runner(args):
    """The recogniser and a string naming it (the journal refuses predictions of another model)."""
    from ppocr.errors import CheckpointError, ConfigError
    from ppocr.inference.model_runner import ModelRunner

    config, overrides, weights = args.config, list(args.opt), args.weights
    if not args.model_dir and not config:
        config = DEFAULT_CONFIG
        weights = weights or DEFAULT_WEIGHTS
        if not os.path.isdir(weights):
            raise CheckpointError(f"{weights} is missing: run `make pretrained`, or give --model_dir / -c")
        overrides = [f"Global.character_dict_path={os.path.join(DEFAULT_WEIGHTS, 'ppocr_keys_v1.txt')}", *overrides]
    runner = ModelRunner.create(args.model_dir, config, overrides, weights, args.batch_size,
                                args.use_mkldnn == "true")
    if runner.predictor.model_type != "rec":
        raise ConfigError(f"UIM needs a recogniser; {args.model_dir or config} is a "
                          f"{runner.predictor.model_type} model")
    if args.model_dir:
        name = f"export {os.path.abspath(args.model_dir)}"
    else:
        name = f"{os.path.abspath(config)} + {os.path.abspath(weights) if weights else 'Global weights'}"
        name += "".join(f" -o {o}" for o in overrides)
    return runner, name


def input_paths(args) -> list[str]:
    from ppocr.data.datasets.unlabeled import IMAGE_EXTS, find_images, read_image_list

    if args.list_file:
        return [os.path.abspath(os.path.join(args.data_dir, p)) for p, _ in read_image_list(args.list_file, "--list_file")]
    if os.path.isfile(args.image_dir) and args.image_dir.lower().endswith(IMAGE_EXTS):
        return [os.path.abspath(args.image_dir)]
    return [os.path.abspath(os.path.join(args.image_dir, p)) for p in find_images(args.image_dir, "--image_dir")]


def read_image(path: str):
    import cv2
    import numpy as np

    from ppocr.inference.images import read_bytes

    data = read_bytes(path)
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None


def main() -> None:
    args = parse_args()
    from ppocr.data.pseudo_label import Filters, PseudoLabeler, charset_filter

    filters = Filters(args.min_score, args.min_len, args.max_len,
                      charset_filter(args.charset) if args.charset else None, args.charset)
    paths = input_paths(args)
    runner, model = create_runner(args)
    labeler = PseudoLabeler(args.output, model, filters, args.relative_to, args.batch_size)
    summary = labeler.run(paths, runner.predict, read_image)
    print(f"kept {summary['kept']} of {summary['images']}: {args.output}; summary {labeler.summary_path}")


if __name__ == "__main__":
    run_main(main)

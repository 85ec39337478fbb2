"""Build an LMDB dataset (num-samples / image-%09d / label-%09d) from PaddleOCR label files.

  python tools/make_lmdb.py --label_file train.txt [--label_file more.txt] --data_dir DIR --out OUT_DIR
"""

import argparse

from ppocr.cli import run_main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label_file", action="append", required=True, help="label file(s), path<TAB>label")
    parser.add_argument("--data_dir", default="", help="image paths in the label files are relative to this")
    parser.add_argument("--out", required=True, help="output LMDB folder")
    parser.add_argument("--max_bad_ratio", type=float, default=0.1,
                        help="fail when more than this share of lines or images is unusable")
    args = parser.parse_args()
    from ppocr.data.lmdb_writer import label_files_to_lmdb

    written, skipped = label_files_to_lmdb(args.label_file, args.data_dir, args.out, args.max_bad_ratio)
    print(f"wrote {written} samples to {args.out} ({skipped} skipped)")


if __name__ == "__main__":
    run_main(main)

"""Write a recognition dictionary (one character per line) from PaddleOCR rec label files.

  python tools/build_dict.py --label_file train.txt [--label_file val.txt] --out my_dict.txt
      [--sort frequency|codepoint] [--min_count 1]

``frequency`` (default): most frequent first, ties by code point; ``codepoint``: Unicode order.
Spaces are never written: set Global.use_space_char: true when labels contain them. Then point
Global.character_dict_path at the file.
"""

import argparse

from ppocr.cli import run_main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label_file", action="append", required=True, help="label file(s), path<TAB>label")
    parser.add_argument("--out", required=True, help="dictionary file to write")
    parser.add_argument("--sort", choices=("frequency", "codepoint"), default="frequency")
    parser.add_argument("--min_count", type=int, default=1, help="leave out rarer characters")
    parser.add_argument("--delimiter", default="\t", help="between image path and label")
    args = parser.parse_args()
    from ppocr.charset import build_dictionary, count_label_characters

    chars = build_dictionary(args.label_file, args.out, args.sort, args.min_count, args.delimiter)
    has_space = " " in count_label_characters(args.label_file, args.delimiter)
    print(f"wrote {len(chars)} characters to {args.out}"
          + ("; labels contain spaces: set Global.use_space_char: true" if has_space else ""))


if __name__ == "__main__":
    run_main(main)

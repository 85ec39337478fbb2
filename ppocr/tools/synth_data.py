"""Generate deterministic synthetic OCR data in PaddleOCR's label formats.

  python tools/synth_data.py rec --out train_data/rec/train --num 2000 --seed 1 [--style hard]
  python tools/synth_data.py cls --out train_data/cls/train --num 4000 --seed 1
  python tools/synth_data.py det --out train_data/det/train --num 200 --seed 1 [--height 640 --width 640]

Writes DIR/images/* and DIR/label.txt (image paths relative to DIR), so a config can use
data_dir: DIR and label_file_list: [DIR/label.txt]. The same arguments give identical files.
"""

import argparse
import time

from ppocr.cli import run_main

# kind: (height, width, min_len, max_len)
DEFAULTS = {"rec": (48, None, 3, 20), "cls": (48, None, 1, 24), "det": (640, 640, 1, 16)}


def main() -> None:
    from ppocr_synth import STYLE_NAMES

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=sorted(DEFAULTS), help="det: pages with quads; rec: text-line "
                        "crops with their text; cls: crops labelled 0 or 180")
    parser.add_argument("--out", required=True, help="output folder (gets images/ and label.txt)")
    parser.add_argument("--num", type=int, required=True, help="number of samples")
    parser.add_argument("--seed", type=int, default=0, help="random seed (>= 0)")
    chars = parser.add_mutually_exclusive_group()
    chars.add_argument("--charset", help="PaddleOCR dictionary file (one character per line) to draw from")
    chars.add_argument("--chars", help="characters to draw from, as one string")
    parser.add_argument("--font", nargs="+", action="extend", metavar="PATH",
                        help="font files or folders to use instead of DejaVu (and a found CJK font)")
    parser.add_argument("--lang", choices=["en", "ch"], default="en",
                        help="default alphabet (ch needs a CJK font; found or given with --font)")
    parser.add_argument("--height", type=int, help="image height (default: 48 for rec/cls, 640 for det)")
    parser.add_argument("--width", type=int, help="image width (default: variable for rec/cls, 640 for det)")
    parser.add_argument("--min_len", type=int, help="shortest text (default: rec 3, cls 1, det 1)")
    parser.add_argument("--max_len", type=int, help="longest text (default: rec 20, cls 24, det 16)")
    parser.add_argument("--style", choices=STYLE_NAMES, default="clean",
                        help="clean; hard (low contrast, blur, noise, JPEG, warps); mixed (half each)")
    parser.add_argument("--ext", choices=["jpg", "png"], default="jpg", help="image format (JPEG quality 95)")
    parser.add_argument("--dont_care", type=float, default=0.1,
                        help="det: share of lines drawn too small to read and labelled '###'")
    args = parser.parse_args()
    from ppocr_synth import make_cls_set, make_det_set, make_rec_set

    height, width, min_len, max_len = DEFAULTS[args.kind]
    def given(value, default):
        return default if value is None else value

    kw = dict(height=given(args.height, height), width=given(args.width, width), ext=args.ext,
              min_len=given(args.min_len, min_len), max_len=given(args.max_len, max_len), chars=args.chars,
              charset_file=args.charset, fonts=args.font, lang=args.lang, style=args.style, progress=True)
    make = {"rec": make_rec_set, "cls": make_cls_set, "det": make_det_set}[args.kind]
    if args.kind == "det":
        kw["dont_care"] = args.dont_care
    start = time.perf_counter()
    label_file = make(args.out, args.num, args.seed, **kw)
    took = time.perf_counter() - start
    print(f"wrote {args.num} {args.kind} samples to {label_file} in {took:.1f}s ({args.num / took:.0f}/s)")


if __name__ == "__main__":
    run_main(main)

"""Milliseconds per sample of the text-line augmentations (BaseDataAugmentation, RandAugment).

  python bench/aug_rate.py [--label FILE] [--samples 256] [--reps 3]

Times each transform alone on decoded crops (the dataset's per-sample seeding included), the best of
``--reps`` passes. ``--label`` is a cls/rec label file (``path<TAB>label``, paths relative to its
folder); without it, random 48x192 crops are used. With ``--peer ROOT`` the same is timed for
PaddleOCR's transforms (run it with PaddleOCR's interpreter; ROOT is its source tree). Prints one
JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def images(label: str | None, n: int) -> list:
    if not label:
        rng = np.random.default_rng(0)
        return [rng.integers(0, 255, (48, 192, 3), dtype=np.uint8) for _ in range(n)]
    import cv2

    root = os.path.dirname(os.path.abspath(label))
    with open(label, encoding="utf-8") as f:
        paths = [line.split("\t")[0] for line in f if line.strip()][:n]
    return [cv2.imread(os.path.join(root, p)) for p in paths]


def ms_per_sample(op, imgs: list, reps: int) -> float:
    best = float("inf")
    for _ in range(reps + 1):  # the first pass warms up
        t0 = time.perf_counter()
        for i, img in enumerate(imgs):
            np.random.seed(i)
            random.seed(i)
            op({"image": img.copy()})
        best = min(best, time.perf_counter() - t0)
    return best / len(imgs) * 1e3


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--label")
    p.add_argument("--samples", type=int, default=256)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--peer", help="PaddleOCR 2.7 source tree: time its transforms instead")
    args = p.parse_args()
    imgs = images(args.label, args.samples)
    if args.peer:
        sys.path.insert(0, os.path.abspath(args.peer))
        from ppocr.data.imaug.randaugment import RandAugment
        from ppocr.data.imaug.rec_img_aug import BaseDataAugmentation
        system = "peer"
    else:
        sys.path.insert(0, REPO)
        from ppocr.data.transforms.augment import BaseDataAugmentation, RandAugment
        system = "ours"
    base = ms_per_sample(BaseDataAugmentation(), imgs, args.reps)
    rand = ms_per_sample(RandAugment(), imgs, args.reps)
    print(json.dumps({"bench": "aug_rate", "system": system, "samples": len(imgs),
                      "base_ms": round(base, 4), "randaug_ms": round(rand, 4), "total_ms": round(base + rand, 4),
                      "load": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()

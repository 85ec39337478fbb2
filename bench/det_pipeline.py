"""DB detection data pipeline throughput on this machine (one process, no loader workers).

  python bench/det_pipeline.py [--samples 40] [--size 640] [--synthetic]

Runs PP-OCRv3's detection training transforms (DecodeImage -> DetLabelEncode -> CopyPaste ->
IaaAugment -> EastRandomCropData -> MakeBorderMap -> MakeShrinkMap -> NormalizeImage -> ToCHWImage
-> KeepKeys) through a SimpleDataSet, so CopyPaste gets its extra sample as in training. Data: the
receipt photos in ../shared/data/det_toy_receipts (1600x1200 and 348x348, 86 boxes), or, with
--synthetic or where that folder is absent, generated 1280x960 pages with random text quads.
Prints one JSON line per measurement: the whole chain, each transform's share of it, and
MakeBorderMap alone on the cropped samples (the known hot spot).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import defaultdict

import cv2
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECEIPTS = os.path.join(os.path.dirname(REPO), "shared", "data", "det_toy_receipts")


def transforms(size: int) -> list:
    return [
        {"DecodeImage": {"img_mode": "BGR", "channel_first": False}},
        {"DetLabelEncode": None},
        {"CopyPaste": None},
        {"IaaAugment": {"augmenter_args": [{"type": "Fliplr", "args": {"p": 0.5}},
                                           {"type": "Affine", "args": {"rotate": [-10, 10]}},
                                           {"type": "Resize", "args": {"size": [0.5, 3]}}]}},
        {"EastRandomCropData": {"size": [size, size], "max_tries": 50, "keep_ratio": True}},
        {"MakeBorderMap": {"shrink_ratio": 0.4, "thresh_min": 0.3, "thresh_max": 0.7}},
        {"MakeShrinkMap": {"shrink_ratio": 0.4, "min_text_size": 8}},
        {"NormalizeImage": {"scale": "1./255.", "mean": [0.485, 0.456, 0.406],
                            "std": [0.229, 0.224, 0.225], "order": "hwc"}},
        {"ToCHWImage": None},
        {"KeepKeys": {"keep_keys": ["image", "threshold_map", "threshold_mask", "shrink_map", "shrink_mask"]}},
    ]


def synthetic_set(root: str, n: int = 4, seed: int = 0) -> tuple[str, str]:
    """Pages of random words at random angles, labelled with their quads."""
    rng = np.random.default_rng(seed)
    lines = []
    for i in range(n):
        img = np.full((960, 1280, 3), 235, np.uint8)
        boxes = []
        for _ in range(40):
            scale = rng.uniform(0.6, 2.0)
            word = "".join(rng.choice(list("ABCDEFGHKLMNPRSTXYZ0123456789"), int(rng.integers(3, 12))))
            (tw, th), base = cv2.getTextSize(word, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)
            x, y = int(rng.integers(0, 1280 - tw)), int(rng.integers(th, 960 - base))
            cv2.putText(img, word, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (30, 30, 30), 2)
            quad = [[x, y - th], [x + tw, y - th], [x + tw, y + base], [x, y + base]]
            boxes.append({"transcription": word if rng.random() > 0.1 else "###", "points": quad})
        cv2.imwrite(os.path.join(root, f"{i}.jpg"), img)
        lines.append(f"{i}.jpg\t{json.dumps(boxes)}")
    label = os.path.join(root, "label.txt")
    with open(label, "w") as f:
        f.write("\n".join(lines) + "\n")
    return root, label


def dataset(data_dir: str, label: str, size: int):
    from ppocr.data.datasets.simple import SimpleDataSet
    from ppocr.data.transforms import build_transforms

    return SimpleDataSet([label], build_transforms(transforms(size), "bench"), data_dir=data_dir, seed=0)


class Timed:
    """Wraps a transform and adds its wall time to ``totals[name]``."""

    def __init__(self, op, totals: dict):
        self.op, self.totals, self.name = op, totals, type(op).__name__
        self.ext_data_num = getattr(op, "ext_data_num", 0)

    def __call__(self, data):
        t = time.perf_counter()
        out = self.op(data)
        self.totals[self.name] += time.perf_counter() - t
        return out


def bench_chain(ds, samples: int) -> list[dict]:
    totals: dict[str, float] = defaultdict(float)
    ds.transforms.ops = [Timed(op, totals) for op in ds.transforms.ops]
    ds[(0, 0)]  # warm-up (imports, first allocations)
    totals.clear()
    t0 = time.perf_counter()
    for i in range(samples):
        ds[(1, i % len(ds))]
    dt = time.perf_counter() - t0
    rows = [{"bench": "det_train_transforms", "samples": samples, "samples_per_s": round(samples / dt, 2),
             "ms_per_sample": round(1000 * dt / samples, 1)}]
    for name, sec in sorted(totals.items(), key=lambda kv: -kv[1]):
        rows.append({"bench": "det_transform_share", "transform": name,
                     "ms_per_sample": round(1000 * sec / samples, 2), "share": round(sec / dt, 3)})
    return rows


def bench_border_map(ds, samples: int) -> dict:
    """MakeBorderMap alone on the samples as they come out of EastRandomCropData."""
    from ppocr.data.transforms.make_border_map import MakeBorderMap

    ops = ds.transforms.ops
    stop = next(k for k, op in enumerate(ops) if type(getattr(op, "op", op)).__name__ == "MakeBorderMap")
    ds.transforms.ops = ops[:stop]
    inputs = [ds[(2, i % len(ds))] for i in range(samples)]
    ds.transforms.ops = ops
    border = MakeBorderMap(shrink_ratio=0.4, thresh_min=0.3, thresh_max=0.7)
    t0 = time.perf_counter()
    for data in inputs:
        border({"image": data["image"], "polys": data["polys"], "ignore_tags": data["ignore_tags"]})
    dt = time.perf_counter() - t0
    boxes = sum(int((~np.asarray(d["ignore_tags"], bool)).sum()) for d in inputs)
    return {"bench": "make_border_map", "samples": samples, "image": list(inputs[0]["image"].shape[:2]),
            "boxes_per_sample": round(boxes / samples, 1), "samples_per_s": round(samples / dt, 2),
            "ms_per_sample": round(1000 * dt / samples, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--size", type=int, default=640, help="EastRandomCropData size (square)")
    parser.add_argument("--synthetic", action="store_true", help="generated pages even if the receipts exist")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.synthetic and os.path.isfile(os.path.join(RECEIPTS, "det_gt_paddleocr.txt")):
            data_dir, label, source = RECEIPTS, os.path.join(RECEIPTS, "det_gt_paddleocr.txt"), "det_toy_receipts"
        else:
            (data_dir, label), source = synthetic_set(tmp), "synthetic"
        ds = dataset(data_dir, label, args.size)
        rows = bench_chain(ds, args.samples) + [bench_border_map(ds, args.samples)]
    for row in rows:
        print(json.dumps({"data": source, "size": args.size, **row}))


if __name__ == "__main__":
    from ppocr.cli import run_main  # quiet Paddle's console, one-line user errors

    run_main(main)

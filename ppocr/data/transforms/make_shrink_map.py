"""MakeShrinkMap: DB's probability-map label (shrunk text kernels) and its mask.

As PaddleOCR: polygons are first clipped to the image; one whose area is below 1 pixel becomes
do-not-care, and each is stored clockwise-negative (reversed when its shoelace area is positive).
A do-not-care polygon, or one whose height or width is below ``min_text_size``, is zeroed in the
mask and marked do-not-care. Others are shrunk inwards by D = A (1 - r^2) / L for r = shrink_ratio,
2 shrink_ratio, ... (< 1) until the offset gives exactly one polygon; the pieces of the last try are
filled into the map. A polygon that vanishes when shrunk is zeroed in the mask and marked
do-not-care too. ``polys`` (clipped) and ``ignore_tags`` are updated accordingly.
"""

from __future__ import annotations

import cv2
import numpy as np

from ppocr.data import batch_slots
from ppocr.data.transforms.det_polys import areas_lengths, as_polys, as_tags, offset_polygon
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS


def signed_areas(polys: np.ndarray) -> np.ndarray:
    """Shoelace areas of (N, P, 2) float32 polygons, accumulated in float32 in vertex order
    (PaddleOCR's rounding)."""
    prev = np.roll(polys, 1, axis=1)
    terms = polys[:, :, 0] * prev[:, :, 1] - polys[:, :, 1] * prev[:, :, 0]
    return np.cumsum(terms, axis=1, dtype=np.float32)[:, -1] / np.float32(2.0)


@TRANSFORMS.register
class MakeShrinkMap:
    """Adds ``shrink_map`` and ``shrink_mask`` (H, W) float32."""
    training_only = True  # training targets or augmentation: not run at inference

    def __init__(self, min_text_size: int = 8, shrink_ratio: float = 0.4):
        if not 0 < shrink_ratio < 1:
            raise ConfigError(f"MakeShrinkMap.shrink_ratio: expected a value in (0, 1), got {shrink_ratio!r}")
        if min_text_size < 0:
            raise ConfigError(f"MakeShrinkMap.min_text_size: expected >= 0, got {min_text_size!r}")
        self.min_text_size = min_text_size
        self.shrink_ratio = float(shrink_ratio)
        self.ratios = np.arange(self.shrink_ratio, 1, self.shrink_ratio)

    def validate(self, polys: np.ndarray, tags: np.ndarray, h: int, w: int) -> None:
        """Clip to the image, mark degenerate polygons, orient them (in place)."""
        polys[:, :, 0] = np.clip(polys[:, :, 0], 0, w - 1)
        polys[:, :, 1] = np.clip(polys[:, :, 1], 0, h - 1)
        if not len(polys):
            return
        areas = signed_areas(polys)
        tags[np.abs(areas) < 1] = True
        flip = areas > 0
        polys[flip] = polys[flip][:, ::-1]

    def shrink(self, poly: np.ndarray, area: float, length: float) -> list:
        """``area``, ``length``: shapely's for ``poly`` (det_polys.areas_lengths)."""
        pieces = []
        for ratio in self.ratios:
            distance = area * (1 - np.power(ratio, 2)) / length
            pieces = offset_polygon(poly, -distance)
            if len(pieces) == 1:
                break
        return pieces

    def __call__(self, data: dict) -> dict:
        h, w = data["image"].shape[:2]
        polys = as_polys(data["polys"]).copy()
        tags = as_tags(data["ignore_tags"], len(polys)).copy()
        self.validate(polys, tags, h, w)
        gt = batch_slots.output("shrink_map", (h, w), np.float32, fill=0)
        mask = batch_slots.output("shrink_mask", (h, w), np.float32, fill=1)
        # the polygons' sizes and (for the ones shrunk) shapely areas and perimeters, all at once
        extents = (polys.max(axis=1) - polys.min(axis=1)).tolist()  # (width, height) per polygon
        todo = [i for i, (width, height) in enumerate(extents)
                if not tags[i] and not min(height, width) < self.min_text_size]
        measures = dict(zip(todo, zip(*areas_lengths(polys[todo]))))
        for i, poly in enumerate(polys):
            pieces = self.shrink(poly, *measures[i]) if i in measures else []
            if not pieces:
                cv2.fillPoly(mask, poly.astype(np.int32)[np.newaxis], 0)
                tags[i] = True
                continue
            for piece in pieces:
                cv2.fillPoly(gt, [np.array(piece, dtype=np.int32).reshape(-1, 2)], 1)
        data["polys"] = polys
        data["ignore_tags"] = tags
        data["shrink_map"] = gt
        data["shrink_mask"] = mask
        return data

"""CopyPaste: PP-OCRv3's text copy-paste augmentation for detection.

Text instances are cut out of a source image, turned by a random angle and pasted where they
overlap no existing polygon (shapely test against every polygon, do-not-care and already pasted
ones included); each pasted instance becomes a new cared-for polygon with its text.
- Source: as PaddleOCR, another sample of the data set (``ext_data_num: 1``, which the dataset
  hands over in ``data['ext_data']``, run through the transforms before this one); with
  ``ext_data_num: 0``, or when no extra sample is given, the image itself.
- ``objects_paste_ratio`` of the source's polygons (at least 1, at most 30) are drawn among its
  cared-for ones. A quadrilateral is rectified by a perspective warp (other polygons by their
  minimum-area rectangle); a crop at least 1.5 times taller than wide is turned upright first.
- ``limit_paste``: up to 50 random positions are tried for a place free of other text; without
  it the first random position is taken. Crops larger than the image are skipped.
Randomness comes from the global ``random`` module.
"""

from __future__ import annotations

import random

import cv2
import numpy as np
from shapely.geometry import Polygon

from ppocr.data.transforms.det_polys import as_polys, as_tags
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS

MAX_OBJECTS = 30
PLACE_TRIES = 50


def quad_of(poly: np.ndarray) -> np.ndarray:
    """The polygon's 4 corners (clockwise from its first point), or its minimum-area rectangle."""
    distinct = [p for i, p in enumerate(poly) if i == 0 or not np.array_equal(p, poly[i - 1])]
    if len(distinct) == 4:
        return np.array(distinct, dtype=np.float32)
    box = cv2.boxPoints(cv2.minAreaRect(poly.astype(np.float32)))
    start = int(np.argmin(box.sum(axis=1)))  # top-left first
    return np.roll(box, -start, axis=0).astype(np.float32)


def rectified_crop(img: np.ndarray, quad: np.ndarray) -> np.ndarray | None:
    """The text inside ``quad`` warped to an upright rectangle; None when it is too small."""
    w = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    h = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    if w < 2 or h < 2 or Polygon(quad).area < 1:
        return None
    dst = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    try:
        m = cv2.getPerspectiveTransform(quad, dst)
    except cv2.error:  # three corners on a line
        return None
    if not np.isfinite(m).all():
        return None
    crop = cv2.warpPerspective(img, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return np.ascontiguousarray(np.rot90(crop)) if h >= 1.5 * w else crop


def rotated(crop: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(image, alpha in [0, 1], corner quad) of ``crop`` turned by ``angle`` degrees, canvas grown
    to fit."""
    h, w = crop.shape[:2]
    rad = np.deg2rad(angle)
    nw = int(np.ceil(abs(np.cos(rad)) * w + abs(np.sin(rad)) * h))
    nh = int(np.ceil(abs(np.sin(rad)) * w + abs(np.cos(rad)) * h))
    m = cv2.getRotationMatrix2D(((w - 1) / 2.0, (h - 1) / 2.0), angle, 1.0)
    m[:, 2] += ((nw - 1) / 2.0 - (w - 1) / 2.0, (nh - 1) / 2.0 - (h - 1) / 2.0)
    image = cv2.warpAffine(crop, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=0)
    alpha = cv2.warpAffine(np.ones((h, w), np.float32), m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=0)
    corners = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    quad = corners @ m[:, :2].T.astype(np.float32) + m[:, 2].astype(np.float32)
    return image.reshape((nh, nw) + crop.shape[2:]), alpha, quad


def paste(img: np.ndarray, patch: np.ndarray, alpha: np.ndarray, x: int, y: int) -> None:
    """Alpha-blend ``patch`` into ``img`` at (x, y), in place."""
    h, w = alpha.shape
    region = img[y:y + h, x:x + w]
    a = alpha.reshape(alpha.shape + (1,) * (region.ndim - 2))
    region[:] = np.clip(region * (1 - a) + patch.reshape(region.shape) * a + 0.5, 0, 255).astype(img.dtype)


class Occupied:
    """The polygons already on the image; ``is_free(quad)`` tests a candidate against them (bounding
    boxes first, the exact shapely test only where those overlap)."""

    def __init__(self, polys: list[np.ndarray]):
        self.polys = list(polys)
        self.shapes: list[Polygon | None] = [None] * len(self.polys)
        self.boxes = np.array([np.r_[p.min(axis=0), p.max(axis=0)] for p in self.polys],
                              dtype=np.float64).reshape(-1, 4)

    def is_free(self, quad: np.ndarray) -> bool:
        lo, hi = quad.min(axis=0), quad.max(axis=0)
        near = np.flatnonzero((self.boxes[:, 0] <= hi[0]) & (lo[0] <= self.boxes[:, 2])
                              & (self.boxes[:, 1] <= hi[1]) & (lo[1] <= self.boxes[:, 3]))
        if not len(near):
            return True
        shape = Polygon(quad)
        for j in near:
            if self.shapes[j] is None:
                self.shapes[j] = Polygon(self.polys[j]).buffer(0)  # tolerate self-intersecting labels
            if shape.intersects(self.shapes[j]):
                return False
        return True

    def add(self, quad: np.ndarray) -> None:
        self.polys.append(quad)
        self.shapes.append(None)
        self.boxes = np.vstack([self.boxes, np.r_[quad.min(axis=0), quad.max(axis=0)]])


def pad_points(polys: list[np.ndarray]) -> np.ndarray:
    """Stack polygons, repeating each one's last point up to the largest point count."""
    n = max(len(p) for p in polys)
    return np.array([np.concatenate([p, np.repeat(p[-1:], n - len(p), axis=0)]) for p in polys],
                    dtype=np.float32)


@TRANSFORMS.register
class CopyPaste:
    training_only = True  # training targets or augmentation: not run at inference

    def __init__(self, objects_paste_ratio: float = 0.2, limit_paste: bool = True, ext_data_num: int = 1):
        if not 0 <= objects_paste_ratio <= 1:
            raise ConfigError(f"CopyPaste.objects_paste_ratio: expected a value in [0, 1], got {objects_paste_ratio!r}")
        if ext_data_num not in (0, 1):
            raise ConfigError(f"CopyPaste.ext_data_num: expected 1 (paste from another sample) or 0 "
                              f"(from the image itself), got {ext_data_num!r}")
        self.objects_paste_ratio = float(objects_paste_ratio)
        self.limit_paste = bool(limit_paste)
        self.ext_data_num = ext_data_num

    def place(self, quad: np.ndarray, free_w: int, free_h: int, taken: Occupied) -> tuple[int, int] | None:
        """A random top-left (x, y) for the patch; with limit_paste one where ``quad`` meets no
        polygon in ``taken`` (None when 50 tries fail)."""
        for _ in range(PLACE_TRIES if self.limit_paste else 1):
            x, y = random.randint(0, free_w), random.randint(0, free_h)
            if not self.limit_paste or taken.is_free(quad + np.float32([x, y])):
                return x, y
        return None

    def __call__(self, data: dict) -> dict:
        extras = data.pop("ext_data", None) or []
        src = extras[0] if extras else data
        src_polys = as_polys(src["polys"])
        src_tags = as_tags(src["ignore_tags"], len(src_polys))
        src_texts = list(src.get("texts", [""] * len(src_polys)))
        care = [i for i in range(len(src_polys)) if not src_tags[i]]
        if not care:
            return data
        random.shuffle(care)
        chosen = care[:max(1, min(int(self.objects_paste_ratio * len(src_polys)), MAX_OBJECTS))]

        img = data["image"].copy()
        polys = list(as_polys(data["polys"]))
        tags = list(as_tags(data["ignore_tags"], len(polys)))
        texts = list(data.get("texts", [""] * len(polys)))
        taken = Occupied(polys)
        src_img = src["image"]
        for i in chosen:
            crop = rectified_crop(src_img, quad_of(src_polys[i]))
            if crop is None:
                continue
            patch, alpha, quad = rotated(crop, random.randint(0, 359))
            free_w, free_h = img.shape[1] - alpha.shape[1], img.shape[0] - alpha.shape[0]
            if free_w < 0 or free_h < 0:
                continue
            at = self.place(quad, free_w, free_h, taken)
            if at is None:
                continue
            paste(img, patch, alpha, *at)
            moved = quad + np.float32(at)
            polys.append(moved)
            tags.append(False)
            texts.append(src_texts[i])
            taken.add(moved)
        data["polys"] = pad_points(polys) if polys else as_polys(data["polys"])
        data["image"] = img
        data["ignore_tags"] = np.array(tags, dtype=bool)
        data["texts"] = texts
        return data

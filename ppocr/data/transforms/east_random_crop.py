"""EastRandomCropData: a random crop that cuts through no cared-for text, scaled into ``size``.

As PaddleOCR: rows and columns covered by a cared-for polygon's bounding box are off limits for the
crop's borders. Each of ``max_tries`` picks two free columns and two free rows (when the free
columns form several runs, two runs are drawn first, then one column in each, so crops tend to
span several text columns); a crop smaller than ``min_crop_side_ratio`` of the image or containing
no cared-for text is rejected. When all tries fail the whole image is used. The crop is scaled to
fit ``size`` = [width, height]; with ``keep_ratio`` it keeps its aspect ratio and is zero-padded at
the right and bottom, otherwise it is stretched to ``size``. Polygons are mapped along; those
entirely outside the crop are dropped (with their texts and tags).
"""

from __future__ import annotations

import cv2
import numpy as np

from ppocr.data.transforms.det_polys import as_polys, as_tags, is_outside_rect
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS


def free_runs(covered: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Indices not covered by text, and their runs of consecutive indices."""
    free = np.flatnonzero(covered == 0)
    if len(free) == 0:
        return free, []
    return free, np.split(free, np.flatnonzero(np.diff(free) != 1) + 1)


def pick_span(free: np.ndarray, runs: list[np.ndarray]) -> tuple[int, int]:
    """Two free indices (ordered): from two random runs when there are several, else anywhere."""
    if len(runs) > 1:
        a, b = np.random.choice(len(runs), 2)
        ends = [int(np.random.choice(runs[a])), int(np.random.choice(runs[b]))]
    else:
        ends = [int(v) for v in np.random.choice(free, size=2)]
    return min(ends), max(ends)


def crop_area(h: int, w: int, care_polys: np.ndarray, min_side_ratio: float,
              max_tries: int) -> tuple[int, int, int, int]:
    """(x, y, width, height) of a crop whose borders cross no cared-for polygon's box."""
    rows = np.zeros(h, dtype=np.int32)
    cols = np.zeros(w, dtype=np.int32)
    for poly in care_polys:
        pts = np.round(poly).astype(np.int64)
        cols[np.clip(pts[:, 0].min(), 0, w):np.clip(pts[:, 0].max(), 0, w)] = 1
        rows[np.clip(pts[:, 1].min(), 0, h):np.clip(pts[:, 1].max(), 0, h)] = 1
    free_x, runs_x = free_runs(cols)
    free_y, runs_y = free_runs(rows)
    if len(free_x) == 0 or len(free_y) == 0:
        return 0, 0, w, h
    for _ in range(max_tries):
        xmin, xmax = pick_span(free_x, runs_x)
        ymin, ymax = pick_span(free_y, runs_y)
        cw, ch = xmax - xmin, ymax - ymin
        if cw < max(min_side_ratio * w, 1) or ch < max(min_side_ratio * h, 1):
            continue
        if any(not is_outside_rect(p, xmin, ymin, cw, ch) for p in care_polys):
            return xmin, ymin, cw, ch
    return 0, 0, w, h


@TRANSFORMS.register
class EastRandomCropData:
    training_only = True  # training targets or augmentation: not run at inference

    def __init__(self, size: list[int] | tuple[int, int] = (640, 640), max_tries: int = 10,
                 min_crop_side_ratio: float = 0.1, keep_ratio: bool = True):
        if not (isinstance(size, (list, tuple)) and len(size) == 2 and all(
                isinstance(v, int) and v > 0 for v in size)):
            raise ConfigError(f"EastRandomCropData.size: expected [width, height] in pixels, got {size!r}")
        if not isinstance(max_tries, int) or max_tries < 0:
            raise ConfigError(f"EastRandomCropData.max_tries: expected an int >= 0, got {max_tries!r}")
        if not 0 <= min_crop_side_ratio <= 1:
            raise ConfigError(f"EastRandomCropData.min_crop_side_ratio: expected a value in [0, 1], "
                              f"got {min_crop_side_ratio!r}")
        self.size = (int(size[0]), int(size[1]))
        self.max_tries = max_tries
        self.min_crop_side_ratio = float(min_crop_side_ratio)
        self.keep_ratio = keep_ratio

    def __call__(self, data: dict) -> dict:
        img = data["image"]
        polys = as_polys(data["polys"])
        tags = as_tags(data["ignore_tags"], len(polys))
        texts = list(data.get("texts", [""] * len(polys)))
        x, y, cw, ch = crop_area(img.shape[0], img.shape[1], polys[~tags], self.min_crop_side_ratio,
                                 self.max_tries)
        crop = img[y:y + ch, x:x + cw]
        size_w, size_h = self.size
        if self.keep_ratio:
            scale = min(size_w / cw, size_h / ch)
            sx = sy = scale
            w, h = max(int(cw * scale), 1), max(int(ch * scale), 1)
            out = np.zeros((size_h, size_w) + img.shape[2:], dtype=img.dtype)
            out[:h, :w] = cv2.resize(crop, (w, h)).reshape((h, w) + img.shape[2:])
        else:
            sx, sy = size_w / cw, size_h / ch
            w, h = size_w, size_h
            out = cv2.resize(crop, (w, h)).reshape((h, w) + img.shape[2:])
        mapped = (polys - np.array([x, y], dtype=np.float32)) * np.array([sx, sy], dtype=np.float32)
        keep = np.array([not is_outside_rect(p, 0, 0, w, h) for p in mapped], dtype=bool)
        data["image"] = out
        data["polys"] = mapped[keep].astype(np.float32)
        data["ignore_tags"] = tags[keep]
        data["texts"] = [t for t, k in zip(texts, keep) if k]
        return data

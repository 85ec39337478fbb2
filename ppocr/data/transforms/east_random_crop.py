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

from ppocr.data.transforms.det_polys import as_polys, as_tags
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS


def free_runs(covered: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Indices not covered by text, and their runs of consecutive indices."""
    free = np.flatnonzero(covered == 0)
    if len(free) == 0:
        return free, []
    return free, np.split(free, np.flatnonzero(np.diff(free) != 1) + 1)


def pick_span(free: np.ndarray, runs: list[np.ndarray]) -> tuple[int, int]:
    """Two free indices (ordered): from two random runs when there are several, else anywhere.

    ``np.random.randint(0, n, size)`` is what ``np.random.choice(n or an array of n, size)`` draws
    (the same numbers from the same state), without choice's argument checks."""
    randint = np.random.randint
    if len(runs) > 1:
        a, b = randint(0, len(runs), size=2)
        run_a, run_b = runs[a], runs[b]
        ends = [int(run_a[randint(0, len(run_a))]), int(run_b[randint(0, len(run_b))])]
    else:
        ends = free[randint(0, len(free), size=2)].tolist()
    return min(ends), max(ends)


def crop_area(h: int, w: int, care_polys: np.ndarray, min_side_ratio: float,
              max_tries: int) -> tuple[int, int, int, int]:
    """(x, y, width, height) of a crop whose borders cross no cared-for polygon's box."""
    rows = np.zeros(h, dtype=np.int32)
    cols = np.zeros(w, dtype=np.int32)
    pts = np.round(care_polys).astype(np.int64)  # (N, P, 2)
    limit = np.array([w, h])
    starts = np.clip(pts.min(axis=1), 0, limit).tolist()
    stops = np.clip(pts.max(axis=1), 0, limit).tolist()
    for (x0, y0), (x1, y1) in zip(starts, stops):
        cols[x0:x1] = 1
        rows[y0:y1] = 1
    free_x, runs_x = free_runs(cols)
    free_y, runs_y = free_runs(rows)
    if len(free_x) == 0 or len(free_y) == 0:
        return 0, 0, w, h
    # the polygons' bounding boxes, for is_outside_rect's test over all of them at once
    box_lo, box_hi = care_polys.min(axis=1), care_polys.max(axis=1)  # (N, 2) float32
    for _ in range(max_tries):
        xmin, xmax = pick_span(free_x, runs_x)
        ymin, ymax = pick_span(free_y, runs_y)
        cw, ch = xmax - xmin, ymax - ymin
        if cw < max(min_side_ratio * w, 1) or ch < max(min_side_ratio * h, 1):
            continue
        outside = ((box_hi[:, 0] < xmin) | (box_lo[:, 0] > xmin + cw)
                   | (box_hi[:, 1] < ymin) | (box_lo[:, 1] > ymin + ch))
        if not outside.all():
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
            region = out[:h, :w]
            got = cv2.resize(crop, (w, h), dst=region)  # written in place where cv2 can
            if not np.shares_memory(got, region):
                region[...] = got.reshape(region.shape)
        else:
            sx, sy = size_w / cw, size_h / ch
            w, h = size_w, size_h
            out = cv2.resize(crop, (w, h)).reshape((h, w) + img.shape[2:])
        mapped = (polys - np.array([x, y], dtype=np.float32)) * np.array([sx, sy], dtype=np.float32)
        lo, hi = mapped.min(axis=1), mapped.max(axis=1)  # is_outside_rect over all polygons
        keep = ~((hi[:, 0] < 0) | (lo[:, 0] > w) | (hi[:, 1] < 0) | (lo[:, 1] > h))
        data["image"] = out
        data["polys"] = mapped[keep].astype(np.float32)
        data["ignore_tags"] = tags[keep]
        data["texts"] = [t for t, k in zip(texts, keep) if k]
        return data

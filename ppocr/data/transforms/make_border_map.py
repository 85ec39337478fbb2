"""MakeBorderMap: DB's threshold map and its mask (the label of the threshold branch).

For each cared-for polygon, offset it outwards by D = A (1 - r^2) / L (r = ``shrink_ratio``); the mask
is 1 inside that padded polygon. Inside the padded polygon's bounding box each pixel gets
1 - min(1, d / D), where d is its smallest distance to the polygon's edges; overlapping polygons
keep the maximum. The map is then scaled to [thresh_min, thresh_max].

The distance to an edge (p1, p2) is PaddleOCR's (and DBNet's) definition: the distance to the
edge's *line* when the angle p1-P-p2 at the pixel is obtuse or right (the pixel lies inside the
circle over the edge), otherwise the distance to the nearer end point. PaddleOCR computes it by
the law of cosines with the squared edge length rounded to float32; that rounding decides pixels
near the circle (where the two branches differ) and shifts values by up to ~1e-5, so it is kept:
the maps equal PaddleOCR's bit for bit. The work is vectorised per edge, and each edge is only
evaluated within D of its bounding box (farther away d / D is clipped to 1 anyway), which for text
boxes is a few times fewer pixels than PaddleOCR's whole padded box per edge.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ppocr.data import batch_slots
from ppocr.data.transforms.det_polys import as_polys, as_tags, offset_polygon, shrink_distances
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS


def _vertex_pixel(x: float, y: float, xs: np.ndarray, ys: np.ndarray) -> tuple[int, int] | None:
    """Index of the grid pixel exactly at (x, y), if there is one."""
    if x != int(x) or y != int(y) or not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
        return None
    return int(y - ys[0]), int(x - xs[0])


_GRID = np.arange(0, dtype=np.float64)


def _grid(start: int, stop: int) -> np.ndarray:
    """np.arange(start, stop) as float64 (0 <= start), a view of one cached range."""
    global _GRID
    if stop > len(_GRID):
        _GRID = np.arange(max(stop, 2 * len(_GRID), 1024), dtype=np.float64)
        _GRID.flags.writeable = False
    return _GRID[start:stop]


def edge_distance(p1: tuple[float, float], p2: tuple[float, float], s: float, xs: np.ndarray,
                  ys: np.ndarray) -> np.ndarray:
    """DB distance from the grid ``xs`` x ``ys`` (float64) to the edge p1-p2 (float32 values).

    The same numbers as PaddleOCR's law-of-cosines form: the angle test uses its numerator
    s - d1^2 - d2^2 (``s``, the squared edge length, computed in float32 as PaddleOCR does), and the
    line distance is sqrt((4 d1^2 d2^2 - num^2) / 4s), which equals its sqrt(d1^2 d2^2 sin^2 / s)."""
    (x1, y1), (x2, y2) = p1, p2
    # squared offsets to both end points, rows (p1, p2): (x1 - x)^2 is (x - x1)^2 bit for bit
    dx = np.subtract.outer((x1, x2), xs)
    dy = np.subtract.outer((y1, y2), ys)
    np.square(dx, out=dx)
    np.square(dy, out=dy)
    sq1, sq2 = dy[:, :, None] + dx[:, None, :]  # the squared distances to p1 and to p2
    if s == 0:  # repeated vertex: the distance to it; undefined (NaN) on it, as in PaddleOCR
        dist = np.sqrt(sq1)
        at = _vertex_pixel(x1, y1, xs, ys)
        if at is not None:
            dist[at] = np.nan
        return dist
    # the same float64 operations in the same order as
    #   num = s - sq1 - sq2; to_line_sq = (4 * (sq1 * sq2) - num**2) / (4 * s)
    #   dist = sqrt(where(num < 0, fmin(sq1, sq2), to_line_sq))
    # written into reused buffers: three grid-sized arrays instead of ten fresh ones
    num = np.subtract(s, sq1)
    num -= sq2
    acute = num < 0  # acute angle at the pixel: it lies outside the edge's circle
    dist = np.multiply(sq1, sq2)
    dist *= 4
    np.square(num, out=num)
    dist -= num
    dist /= 4 * s
    np.copyto(dist, np.fmin(sq1, sq2, out=sq1), where=acute)
    with np.errstate(invalid="ignore"):  # a slightly negative to_line_sq gives NaN, as PaddleOCR's
        np.sqrt(dist, out=dist)
    for x, y in (p1, p2):  # on a vertex PaddleOCR's 0/0 ends as distance 0
        at = _vertex_pixel(x, y, xs, ys)
        if at is not None:
            dist[at] = 0.0
    return dist


def draw_border(poly: np.ndarray, canvas: np.ndarray, mask: np.ndarray, distance: float | None,
                scale: tuple[float, float] | None = None) -> None:
    """Add one polygon's padded region to ``mask`` and its 1 - d/D ramp to ``canvas`` (max).

    An edge only matters within D of it (farther, d / D is clipped to 1), so each edge is evaluated
    on its own bounding box grown by D, not on the whole padded polygon.

    ``distance``: the polygon's offset D (det_polys.shrink_distances; None: no area, nothing drawn).
    ``scale`` (mul, add): the ramp is written as ramp * mul + add (float32), for a canvas that
    holds scaled values already (see MakeBorderMap: the same as scaling the whole map after)."""
    if distance is None:
        return
    paths = offset_polygon(poly, distance)
    if not paths:
        return  # collapses once truncated to integers (PaddleOCR fails on the sample here)
    padded = np.array(paths[0])
    cv2.fillPoly(mask, [padded.astype(np.int32)], 1.0)
    xmin, ymin = padded.min(axis=0)
    xmax, ymax = padded.max(axis=0)
    h, w = canvas.shape
    x0, x1 = max(int(xmin), 0) - xmin, min(int(xmax), w - 1) - xmin  # visible part, relative
    y0, y1 = max(int(ymin), 0) - ymin, min(int(ymax), h - 1) - ymin
    if x0 > x1 or y0 > y1:
        return  # entirely outside the image
    # coordinates relative to the padded box's corner, rounded to float32 as PaddleOCR does
    rel = np.empty_like(poly, dtype=np.float32)
    rel[:, 0] = poly[:, 0] - xmin
    rel[:, 1] = poly[:, 1] - ymin
    ratio = np.ones((y1 - y0 + 1, x1 - x0 + 1), dtype=np.float64)  # min over edges of d / D, <= 1
    # squared edge lengths in float32 (PaddleOCR's rounding); then plain floats (the same values)
    step = rel - np.roll(rel, -1, axis=0)
    lengths_sq = (np.square(step[:, 0]) + np.square(step[:, 1])).tolist()
    pts = [tuple(pt) for pt in rel.tolist()]
    d = float(distance)
    x0, x1, y0, y1 = int(x0), int(x1), int(y0), int(y1)
    for i in range(len(pts)):
        p1, p2 = pts[i], pts[(i + 1) % len(pts)]
        ex0 = max(math.floor(min(p1[0], p2[0]) - d) - 1, x0)
        ex1 = min(math.ceil(max(p1[0], p2[0]) + d) + 1, x1)
        ey0 = max(math.floor(min(p1[1], p2[1]) - d) - 1, y0)
        ey1 = min(math.ceil(max(p1[1], p2[1]) + d) + 1, y1)
        if ex0 > ex1 or ey0 > ey1:
            continue
        xs, ys = _grid(ex0, ex1 + 1), _grid(ey0, ey1 + 1)
        window = ratio[ey0 - y0:ey1 - y0 + 1, ex0 - x0:ex1 - x0 + 1]
        dist = edge_distance(p1, p2, lengths_sq[i], xs, ys)
        dist /= d
        np.minimum(window, dist, out=window)  # NaN propagates
    ramp = np.float32(1) - ratio.astype(np.float32)
    if scale is not None:
        ramp *= scale[0]
        ramp += scale[1]
    region = canvas[y0 + ymin:y1 + ymin + 1, x0 + xmin:x1 + xmin + 1]
    np.fmax(ramp, region, out=region)  # fmax: a NaN ramp pixel keeps the canvas


@TRANSFORMS.register
class MakeBorderMap:
    """Adds ``threshold_map`` and ``threshold_mask`` (H, W) float32; do-not-care polygons are skipped."""
    training_only = True  # training targets or augmentation: not run at inference

    def __init__(self, shrink_ratio: float = 0.4, thresh_min: float = 0.3, thresh_max: float = 0.7):
        if not 0 < shrink_ratio < 1:
            raise ConfigError(f"MakeBorderMap.shrink_ratio: expected a value in (0, 1), got {shrink_ratio!r}")
        if not thresh_min < thresh_max:
            raise ConfigError(f"MakeBorderMap: thresh_min ({thresh_min}) must be below thresh_max ({thresh_max})")
        self.shrink_ratio = float(shrink_ratio)
        self.thresh_min = float(thresh_min)
        self.thresh_max = float(thresh_max)

    @staticmethod
    def background(scale: tuple[float, float]) -> np.float32:
        """The scaled value of a pixel no polygon reaches: 0 * mul + add in float32."""
        zero = np.zeros(1, np.float32)
        zero *= scale[0]
        zero += scale[1]
        return zero[0]

    def __call__(self, data: dict) -> dict:
        h, w = data["image"].shape[:2]
        polys = as_polys(data["polys"])
        tags = as_tags(data["ignore_tags"], len(polys))
        # The map is scaled to [thresh_min, thresh_max] as ramp * (max - min) + min in float32.
        # That scaling is monotonic (float32 rounding keeps order) and maps 0 to
        # min, so scaling each polygon's ramp before the max over polygons gives the same bits as
        # scaling the whole map after it; the canvas starts at the scaled 0 and only the
        # polygons' boxes are scaled, instead of two passes over the whole map.
        scale = (self.thresh_max - self.thresh_min, self.thresh_min)
        canvas = batch_slots.output("threshold_map", (h, w), np.float32, fill=self.background(scale))
        mask = batch_slots.output("threshold_mask", (h, w), np.float32, fill=0)
        cared = polys[~tags]
        for poly, distance in zip(cared, shrink_distances(cared, self.shrink_ratio)):
            draw_border(poly, canvas, mask, distance, scale)
        data["threshold_map"] = canvas
        data["threshold_mask"] = mask
        return data

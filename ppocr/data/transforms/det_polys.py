"""Small polygon helpers shared by the detection transforms (not transforms themselves).

Polygons travel in ``data['polys']`` as float32 arrays of shape (N, P, 2) (x, y in pixels) with
``data['ignore_tags']`` (N,) bool and ``data['texts']`` (N,) strings beside them.
"""

from __future__ import annotations

import numpy as np
import pyclipper
import shapely


def as_polys(polys, num_points: int = 4) -> np.ndarray:
    """``polys`` as a float32 (N, P, 2) array; an empty input gives (0, num_points, 2)."""
    arr = np.asarray(polys, dtype=np.float32)
    if arr.size == 0:
        return np.zeros((0, arr.shape[1] if arr.ndim == 3 else num_points, 2), np.float32)
    return arr.reshape(len(arr), -1, 2)


def as_tags(tags, n: int) -> np.ndarray:
    """``ignore_tags`` as a (n,) bool array."""
    arr = np.asarray(tags, dtype=bool).reshape(-1)
    if len(arr) != n:
        raise ValueError(f"{len(arr)} ignore_tags for {n} polygons")
    return arr


def is_outside_rect(poly: np.ndarray, x: float, y: float, w: float, h: float) -> bool:
    """True when the polygon's bounding box does not reach into the rectangle (x, y, w, h)."""
    xs, ys = poly[:, 0], poly[:, 1]
    return bool(xs.max() < x or xs.min() > x + w or ys.max() < y or ys.min() > y + h)


def offset_polygon(poly: np.ndarray, distance: float) -> list:
    """pyclipper's round-joined offset of a closed polygon (> 0 grows, < 0 shrinks). pyclipper
    truncates coordinates to integers, as PaddleOCR's label and box code relies on."""
    pco = pyclipper.PyclipperOffset()
    pco.AddPath(poly, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return pco.Execute(distance)


def areas_lengths(polys: np.ndarray) -> tuple[list[float], list[float]]:
    """Shapely's area and perimeter of each (N, P, 2) polygon, all in one call each: the same
    GEOS computations, so the same values as ``Polygon(poly).area`` / ``.length`` one by one."""
    if not len(polys):
        return [], []
    shapes = shapely.polygons(polys)
    return shapely.area(shapes).tolist(), shapely.length(shapes).tolist()


def shrink_distances(polys: np.ndarray, ratio: float) -> list[float | None]:
    """DB's offset D = A (1 - r^2) / L of each polygon (area A, perimeter L; one shapely call for
    all of them); None for a polygon whose A <= 0."""
    areas, lengths = areas_lengths(polys)
    return [None if area <= 0 else area * (1 - np.power(ratio, 2)) / length
            for area, length in zip(areas, lengths)]

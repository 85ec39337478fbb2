"""TIA (Luo et al., "Learn to Augment", CVPR 2020): geometric warps of text lines from moved control
points, as PaddleOCR's RecAug uses them.

Control points sit on the top and bottom edges at the corners and at ``segment - 1`` cuts in
between; each warp moves them at random and an affine moving-least-squares deformation (Schaefer et
al. 2006) maps every output pixel back to the source, which ``cv2.remap`` samples.
- distort: every point jitters inward/around by up to a third of a segment;
- stretch: the cuts slide left or right (top and bottom together), the corners stay;
- perspective: the top and bottom edges move towards the middle by up to half the height.
Randomness comes from ``numpy.random`` (seeded per sample by the dataset).
"""

from __future__ import annotations

import cv2
import numpy as np

_GRIDS: dict[tuple[int, int, int], tuple[np.ndarray, ...]] = {}


def _grid(h: int, w: int, step: int) -> tuple[np.ndarray, ...]:
    """(gx, gy, vx, vy) of an h x w image's grid (read-only arrays, cached): a line's three warps
    share one, and lines of one size recur."""
    key = (h, w, step)
    got = _GRIDS.get(key)
    if got is None:
        # grid points at the centres of step x step cells: cv2.resize's linear interpolation of the
        # coarse field then lands exactly on every pixel (replicated at the outer half cells)
        gy = (np.arange(-(-h // step)) + 0.5) * step - 0.5
        gx = (np.arange(-(-w // step)) + 0.5) * step - 0.5
        got = (gx, gy, np.tile(gx, len(gy)), np.repeat(gy, len(gx)))  # vx, vy: (M,), row by row
        for arr in got:
            arr.flags.writeable = False
        if len(_GRIDS) >= 64:  # a few MB at most
            _GRIDS.clear()
        _GRIDS[key] = got
    return got


def mls_affine_map(src_pts: np.ndarray, dst_pts: np.ndarray, h: int, w: int,
                   grid_step: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """remap() maps (float32 HxW) sending each output pixel to its source position, so that
    ``dst_pts`` in the output show what ``src_pts`` showed in the input.

    Per grid point v (M of them) and control point k (K), with weights w = 1 / |p_k - v|^2:
    p*, q* the weighted centroids, A = sum_k w p^ p^T, B = sum_k w p^ q^T (p^ = p - p*), and the
    source of v is (v - p*) A^-1 B + q*. The sums over k run in (K, M) arrays, accumulated in k
    order, which are the same float64 operations in the same order as the per-point einsum form
    (tests/data/test_transform_equality.py keeps that form and checks the maps bit for bit)."""
    p = np.asarray(dst_pts, dtype=np.float64)  # deformation is evaluated in output space
    q = np.asarray(src_pts, dtype=np.float64)
    step = grid_step or max(1, min(h, w) // 12)
    gx, gy, vx, vy = _grid(h, w, step)
    dx, dy = p[:, 0:1] - vx, p[:, 1:2] - vy  # (K, M)
    w_km = 1.0 / np.maximum(dx * dx + dy * dy, 1e-8)  # (K, M)
    wts = np.ascontiguousarray(w_km.T)  # (M, K)
    wsum = wts.sum(1, keepdims=True)
    p_star = wts @ p / wsum
    q_star = wts @ q / wsum
    ph0, ph1 = p[:, 0:1] - p_star[:, 0], p[:, 1:2] - p_star[:, 1]  # (K, M)
    qh0, qh1 = q[:, 0:1] - q_star[:, 0], q[:, 1:2] - q_star[:, 1]
    w0, w1 = w_km * ph0, w_km * ph1  # the same values as wts.T's, read in memory order
    a = np.empty((len(vx), 2, 2))
    b = np.empty((len(vx), 2, 2))
    a[:, 0, 0] = (w0 * ph0).sum(0) + 1e-8  # a small ridge keeps A invertible
    a[:, 0, 1] = (w0 * ph1).sum(0) + 0.0  # + 0.0 as adding the ridge's zeros (-0.0 -> 0.0)
    a[:, 1, 0] = (w1 * ph0).sum(0) + 0.0
    a[:, 1, 1] = (w1 * ph1).sum(0) + 1e-8
    b[:, 0, 0], b[:, 0, 1] = (w0 * qh0).sum(0), (w0 * qh1).sum(0)
    b[:, 1, 0], b[:, 1, 1] = (w1 * qh0).sum(0), (w1 * qh1).sum(0)
    m = np.linalg.solve(a, b)  # (M, 2, 2)
    ex, ey = vx - p_star[:, 0], vy - p_star[:, 1]
    disp = np.empty((len(vx), 2), dtype=np.float32)
    disp[:, 0] = ex * m[:, 0, 0] + ey * m[:, 1, 0] + q_star[:, 0] - vx
    disp[:, 1] = ex * m[:, 0, 1] + ey * m[:, 1, 1] + q_star[:, 1] - vy
    disp = disp.reshape(len(gy), len(gx), 2)
    if step > 1:  # the field is smooth: interpolate it to every pixel
        disp = cv2.resize(disp, (len(gx) * step, len(gy) * step), interpolation=cv2.INTER_LINEAR)
        disp = disp[:h, :w]
    return np.arange(w, dtype=np.float32) + disp[..., 0], np.arange(h, dtype=np.float32)[:, None] + disp[..., 1]


def warp_points(img: np.ndarray, src_pts, dst_pts) -> np.ndarray:
    h, w = img.shape[:2]
    map_x, map_y = mls_affine_map(np.asarray(src_pts), np.asarray(dst_pts), h, w)
    return cv2.remap(img, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _rand(n: int) -> int:
    return int(np.random.randint(max(1, int(n))))


def tia_distort(img: np.ndarray, segment: int = 4) -> np.ndarray:
    h, w = img.shape[:2]
    cut = w // segment
    thresh = cut // 3
    half = thresh * 0.5
    src = [[0, 0], [w, 0], [w, h], [0, h]]
    dst = [[_rand(thresh), _rand(thresh)], [w - _rand(thresh), _rand(thresh)],
           [w - _rand(thresh), h - _rand(thresh)], [_rand(thresh), h - _rand(thresh)]]
    for k in range(1, segment):
        x = cut * k
        src += [[x, 0], [x, h]]
        dst += [[x + _rand(thresh) - half, _rand(thresh) - half],
                [x + _rand(thresh) - half, h + _rand(thresh) - half]]
    return warp_points(img, src, dst)


def tia_stretch(img: np.ndarray, segment: int = 4) -> np.ndarray:
    h, w = img.shape[:2]
    cut = w // segment
    thresh = cut * 4 // 5
    half = thresh * 0.5
    src = [[0, 0], [w, 0], [w, h], [0, h]]
    dst = [list(pt) for pt in src]
    for k in range(1, segment):
        x = cut * k
        move = _rand(thresh) - half
        src += [[x, 0], [x, h]]
        dst += [[x + move, 0], [x + move, h]]
    return warp_points(img, src, dst)


def tia_perspective(img: np.ndarray) -> np.ndarray:
    h, w = img.shape[:2]
    thresh = h // 2
    src = [[0, 0], [w, 0], [w, h], [0, h]]
    dst = [[0, _rand(thresh)], [w, _rand(thresh)], [w, h - _rand(thresh)], [0, h - _rand(thresh)]]
    return warp_points(img, src, dst)

"""Pixel-level effects: backgrounds, text colours, perspective warps and degradations.

Every function draws its randomness from the ``numpy.random.Generator`` it is given.
Images are HxWx3 uint8 in BGR order (OpenCV's), as they are written to disk.
"""

from __future__ import annotations

import cv2
import numpy as np

from ppocr_synth.styles import Style

_LUMA = np.array([0.114, 0.587, 0.299], np.float32)  # BGR weights


def luminance(bgr: np.ndarray) -> float:
    return float(np.asarray(bgr, np.float32) @ _LUMA)


def colour_at(lum: float, rng: np.random.Generator, chroma: float) -> np.ndarray:
    """A colour of luminance ``lum`` with a random hue (chroma added orthogonally to luminance)."""
    d = rng.normal(size=3).astype(np.float32)
    d -= d @ _LUMA
    d *= chroma / (np.abs(d).max() + 1e-6)
    return np.clip(lum + d, 0, 255)


def text_colour(bg_mean: np.ndarray, rng: np.random.Generator, contrast: tuple[float, float]) -> np.ndarray:
    """A text colour whose luminance differs from the background's by ``contrast`` (as far as
    0..255 allows): dark on light backgrounds mostly, light on dark ones."""
    lb, c = luminance(bg_mean), rng.uniform(*contrast)
    darker = lb >= 128
    if rng.random() < 0.15:
        darker = not darker
    if darker and lb - c < 0 <= 255 - (lb + c):
        darker = False
    elif not darker and lb + c > 255 >= lb - c >= 0:
        darker = True
    target = np.clip(lb - c if darker else lb + c, 0, 255)
    return colour_at(float(target), rng, rng.uniform(0, 60))


def background(h: int, w: int, rng: np.random.Generator, style: Style) -> np.ndarray:
    """Flat colour, linear gradient, low-frequency texture, or one of those with faint shapes."""
    weights = np.asarray(style.backgrounds, np.float64)
    kind = int(rng.choice(len(weights), p=weights / weights.sum()))
    base = colour_at(rng.uniform(20, 245), rng, rng.uniform(0, 90))
    if kind == 1 or (kind == 3 and rng.random() < 0.5):
        other = np.clip(base + rng.uniform(-70, 70, 3), 0, 255).astype(np.float32)
        a = rng.uniform(0, 2 * np.pi)
        t = (np.arange(w, dtype=np.float32)[None, :] * np.cos(a)
             + np.arange(h, dtype=np.float32)[:, None] * np.sin(a))
        t = (t - t.min()) / max(float(t.max() - t.min()), 1.0)
        img = base + t[:, :, None] * (other - base)
    else:
        img = np.empty((h, w, 3), np.float32)
        img[:] = base
    if kind == 2:
        cell = int(rng.integers(4, 32))
        grid = rng.random((h // cell + 2, w // cell + 2, 1 + 2 * int(rng.random() < 0.3)), np.float32)
        tex = cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
        img = img + (tex.reshape(h, w, -1) - 0.5) * rng.uniform(15, 70)
    out = np.ascontiguousarray(np.clip(img, 0, 255), np.uint8)
    if kind == 3:
        draw_shapes(out, rng, int(rng.integers(2, 8)), spread=40 if style.name == "clean" else 110)
    return out


def draw_shapes(img: np.ndarray, rng: np.random.Generator, n: int, spread: float) -> None:
    """Lines, rectangles and circles in colours near the image's mean (in place)."""
    h, w = img.shape[:2]
    mean = img.reshape(-1, 3)[:: max(1, h * w // 997)].mean(0)
    for _ in range(n):
        col = tuple(float(v) for v in np.clip(mean + rng.uniform(-spread, spread, 3), 0, 255))
        x0, x1 = (int(v) for v in rng.integers(0, w, 2))
        y0, y1 = (int(v) for v in rng.integers(0, h, 2))
        thick = int(rng.integers(1, max(2, min(h, w) // 40 + 2)))
        shape = rng.random()
        if shape < 0.5:
            cv2.line(img, (x0, y0), (x1, y1), col, thick, cv2.LINE_AA)
        elif shape < 0.8:
            cv2.rectangle(img, (x0, y0), (x1, y1), col, -1 if rng.random() < 0.4 else thick)
        else:
            cv2.circle(img, (x0, y0), int(rng.integers(2, max(3, min(h, w) // 3))), col,
                       -1 if rng.random() < 0.4 else thick, cv2.LINE_AA)


def apply_h(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Points (N, 2) through the homography ``m``."""
    p = np.concatenate([pts, np.ones((len(pts), 1))], 1) @ m.T
    return p[:, :2] / p[:, 2:]


def random_warp(w: float, h: float, angle_deg: float, jitter: float, rng: np.random.Generator) -> np.ndarray:
    """A homography from a w x h box: rotation by ``angle_deg`` about its centre, then each corner
    moved by up to ``jitter`` x h (a perspective or shear look)."""
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    a = np.deg2rad(angle_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    dst = (src - [w / 2, h / 2]) @ rot.T + [w / 2, h / 2]
    if jitter > 0:
        dst = dst + rng.uniform(-jitter, jitter, (4, 2)) * h
    return cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32)).astype(np.float64)


def warp_mask(mask: np.ndarray, m: np.ndarray, pad: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Warp a single-channel mask by ``m`` (pixel-edge coordinates) into its own tight canvas.
    Returns (warped mask, homography from the input's edge coordinates to the canvas's)."""
    h, w = mask.shape
    corners = apply_h(m, np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64))
    x0, y0 = np.floor(corners.min(0)) - pad
    x1, y1 = np.ceil(corners.max(0)) + pad
    m = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]]) @ m
    # cv2 maps pixel centres; pixel i spans [i, i+1) in edge coordinates.
    half = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]])
    centres = np.linalg.inv(half) @ m @ half
    size = (int(x1 - x0), int(y1 - y0))
    out = cv2.warpPerspective(mask, centres, size, flags=cv2.INTER_LINEAR, borderValue=0)
    return out, m


def blend(img: np.ndarray, alpha: np.ndarray, colour: np.ndarray, x: int, y: int) -> None:
    """Paint ``colour`` through ``alpha`` (uint8 HxW) onto ``img`` at (x, y), in place."""
    h, w = alpha.shape
    region = img[y:y + h, x:x + w]
    a = alpha[:, :, None].astype(np.float32) * (1 / 255)
    region[:] = (region * (1 - a) + np.asarray(colour, np.float32) * a + 0.5).astype(np.uint8)


def degrade(img: np.ndarray, rng: np.random.Generator, style: Style) -> np.ndarray:
    """Blur, motion blur, down/up-sampling, gaussian noise and JPEG artefacts, each by chance."""
    h, w = img.shape[:2]
    p, lo, hi = style.blur
    if rng.random() < p:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(lo, hi))
    if rng.random() < style.motion_blur_p:
        k = int(rng.integers(1, 4)) * 2 + 1
        kernel = np.zeros((k, k), np.float32)
        cv2.line(kernel, (0, k // 2), (k - 1, k // 2), 1.0, 1)
        rot = cv2.getRotationMatrix2D(((k - 1) / 2, (k - 1) / 2), rng.uniform(0, 180), 1.0)
        kernel = cv2.warpAffine(kernel, rot, (k, k))
        img = cv2.filter2D(img, -1, kernel / max(float(kernel.sum()), 1e-6))
    p, lo, hi = style.downscale
    if rng.random() < p:
        f = rng.uniform(lo, hi)
        small = cv2.resize(img, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
        img = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    sigma = rng.uniform(*style.noise)
    if sigma >= 0.5:
        noise = rng.standard_normal((h, w, 1 + 2 * int(rng.random() < 0.3)), np.float32) * sigma
        img = np.clip(img + noise, 0, 255).astype(np.uint8)
    p, lo, hi = style.jpeg
    if rng.random() < p:
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(lo, hi + 1))])
        img = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return np.ascontiguousarray(img)

"""Detection pages: text lines at random places, sizes, colours and angles on a background, each
labelled with the quad around its ink after the warp (clockwise from the top-left corner)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ppocr_synth.effects import apply_h, background, blend, degrade, random_warp, text_colour, warp_mask
from ppocr_synth.render import text_mask, text_style
from ppocr_synth.styles import Style

DONT_CARE = "###"
MIN_LEGIBLE_PX = 6  # a box thinner than this is labelled do-not-care


def render_page(pick_text: Callable[[], tuple[str, str]], rng: np.random.Generator, style: Style,
                height: int = 640, width: int = 640, dont_care: float = 0.1,
                lines: tuple[int, int] = (4, 18)) -> tuple[np.ndarray, list[dict]]:
    """(BGR image, annotations ``[{"transcription", "points"}]``). ``pick_text()`` returns
    (font path, text); ``dont_care`` is the share of lines drawn too small to read, labelled '###'."""
    img = background(height, width, rng, style)
    scale = math.sqrt(height * width) / 640
    n = max(1, round(int(rng.integers(lines[0], lines[1] + 1)) * scale ** 2))
    taken: list[tuple[float, float, float, float]] = []
    annotations = []
    for _ in range(n):
        tiny = rng.random() < dont_care
        font_path, text = pick_text()
        if tiny:
            size = int(rng.integers(5, 10))
        else:
            size = max(10, round(math.exp(rng.uniform(math.log(14), math.log(72))) * scale))
        spacing, squeeze = text_style(rng, style, size)
        tm = text_mask(text, font_path, size, spacing)
        if tm is None:
            continue
        fit = 0.9 * width / (tm.mask.shape[1] * squeeze)
        if fit < 1:  # too long for the page: render smaller
            size = max(5, int(size * fit))
            tm = text_mask(text, font_path, size, spacing * fit)
            if tm is None:
                continue
        mh, mw = tm.mask.shape
        angle = rng.uniform(-style.det_rotate_deg, style.det_rotate_deg) if rng.random() < 0.4 \
            else rng.uniform(-1, 1)
        p, amount = style.perspective
        jitter = rng.uniform(0, amount) if rng.random() < p else 0.0
        m = random_warp(mw * squeeze, mh, angle, jitter, rng) @ np.diag([squeeze, 1.0, 1.0])
        warped, m = warp_mask(tm.mask, m)
        x0, y0, x1, y1 = tm.ink
        quad = apply_h(m, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64))
        ph, pw = warped.shape
        if pw >= width - 2 or ph >= height - 2:
            continue
        spot = _free_spot(rng, quad, pw, ph, width, height, taken)
        if spot is None:
            continue
        x, y = spot
        region = img[y:y + ph, x:x + pw]
        colour = text_colour(region.reshape(-1, 3).mean(0), rng, style.contrast)
        blend(img, warped, colour, x, y)
        points = np.clip(np.round(quad + [x, y]), 0, [width - 1, height - 1]).astype(int)
        thin = min(_side(points, 0, 3), _side(points, 1, 2)) < MIN_LEGIBLE_PX
        annotations.append({"transcription": DONT_CARE if tiny or thin else text,
                            "points": points.tolist()})
    return degrade(img, rng, style), annotations


def _side(points: np.ndarray, a: int, b: int) -> float:
    return float(np.hypot(*(points[a] - points[b])))


def _free_spot(rng: np.random.Generator, quad: np.ndarray, pw: int, ph: int, width: int, height: int,
               taken: list, tries: int = 15, gap: float = 4) -> tuple[int, int] | None:
    """A top-left (x, y) for a pw x ph patch whose quad's box keeps ``gap`` pixels from the others;
    the chosen box is appended to ``taken``."""
    (qx0, qy0), (qx1, qy1) = quad.min(0), quad.max(0)
    for _ in range(tries):
        x, y = int(rng.integers(1, width - pw)), int(rng.integers(1, height - ph))
        box = (x + qx0 - gap, y + qy0 - gap, x + qx1 + gap, y + qy1 + gap)
        if all(box[2] <= t[0] or t[2] <= box[0] or box[3] <= t[1] or t[3] <= box[1] for t in taken):
            taken.append(box)
            return x, y
    return None

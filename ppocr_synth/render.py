"""Text rendering with PIL: a text mask with its ink and line boxes, and a text-line crop like the
ones a detector hands to the recogniser (some margin, slight rotation or perspective)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ppocr.utils.fonts import truetype
from ppocr_synth.effects import apply_h, background, blend, degrade, random_warp, text_colour, warp_mask
from ppocr_synth.styles import Style


@dataclass
class TextMask:
    mask: np.ndarray                 # uint8 HxW, 255 = ink
    ink: tuple[int, int, int, int]   # x0, y0, x1, y1 (exclusive) of the inked pixels
    line: tuple[int, int]            # top, bottom rows of the font's line box (ascent + descent)


def text_mask(text: str, font_path: str, size: int, spacing: float = 0.0) -> TextMask | None:
    """White-on-black rendering, cropped to the ink horizontally and to the font's line box (or the
    ink, if taller) vertically. ``spacing`` adds pixels between letters. None when nothing is inked."""
    font = truetype(font_path, int(size))
    ascent, descent = font.getmetrics()
    pad = int(size) // 2 + 2
    if spacing:
        advances = [font.getlength(c) for c in text]
        width = sum(advances) + spacing * (len(text) - 1)
    else:
        width = font.getlength(text)
    im = Image.new("L", (math.ceil(width) + 2 * pad, ascent + descent + 2 * pad), 0)
    draw = ImageDraw.Draw(im)
    if spacing:
        x = float(pad)
        for ch, adv in zip(text, advances):
            draw.text((x, pad + ascent), ch, font=font, fill=255, anchor="ls")
            x += adv + spacing
    else:
        draw.text((pad, pad + ascent), text, font=font, fill=255, anchor="ls")
    box = im.getbbox()
    if box is None:
        return None
    x0, y0, x1, y1 = box
    top, bottom = min(pad, y0), max(pad + ascent + descent, y1)
    mask = np.asarray(im)[top:bottom, x0:x1]
    return TextMask(np.ascontiguousarray(mask), (0, y0 - top, x1 - x0, y1 - top), (pad - top, pad + ascent + descent - top))


def text_style(rng: np.random.Generator, style: Style, size: float) -> tuple[float, float]:
    """(letter spacing in pixels, horizontal squeeze) for one line."""
    spacing = rng.uniform(0.03, 0.3) * size if rng.random() < style.spacing_p else 0.0
    return spacing, rng.uniform(*style.squeeze)


def render_crop(text: str, font_path: str, rng: np.random.Generator, style: Style, height: int = 48,
                width: int | None = None, margin: tuple[float, float] = (0.5, 0.3)) -> np.ndarray | None:
    """A BGR text-line crop ``height`` pixels high (and ``width`` wide when given, the text padded
    or squeezed to fit). ``margin`` = the largest (horizontal, vertical) margin per side as a
    fraction of the line height. None when the font inks nothing for ``text``."""
    size = int(rng.integers(style.font_px[0], style.font_px[1] + 1))
    spacing, squeeze = text_style(rng, style, size)
    tm = text_mask(text, font_path, size, spacing)
    if tm is None:
        return None
    mh, mw = tm.mask.shape
    lh = tm.line[1] - tm.line[0]
    tw = mw * squeeze
    max_angle = min(style.rotate_deg, math.degrees(math.atan(0.35 * lh / max(tw, 1.0))))
    p, amount = style.perspective
    jitter = rng.uniform(0, amount) * lh / mh if rng.random() < p else 0.0
    m = random_warp(tw, mh, rng.uniform(-max_angle, max_angle), jitter, rng) @ np.diag([squeeze, 1.0, 1.0])
    warped, m = warp_mask(tm.mask, m)
    x0, _, x1, _ = tm.ink
    top, bottom = tm.line
    box = apply_h(m, np.array([[x0, top], [x1, top], [x1, bottom], [x0, bottom]], np.float64))
    (bx0, by0), (bx1, by1) = box.min(0), box.max(0)
    ml, mr = rng.uniform(0.03, margin[0], 2) * lh
    mt, mb = rng.uniform(0.02, margin[1], 2) * lh
    cw, ch = math.ceil(bx1 - bx0 + ml + mr), math.ceil(by1 - by0 + mt + mb)
    if width:
        target = math.ceil(ch * width / height)
        if cw < target:  # widen the margins (left and right at random, so no side is a cue)
            ml, cw = ml + (target - cw) * rng.random(), target
    ox, oy = round(ml - bx0), round(mt - by0)
    alpha = np.zeros((ch, cw), np.uint8)
    _paste(alpha, warped, ox, oy)
    img = background(ch, cw, rng, style)
    colour = text_colour(img.reshape(-1, 3).mean(0), rng, style.contrast)
    if rng.random() < style.shadow_p:
        d = int(rng.integers(1, max(2, lh // 12 + 1)))
        shadow = np.zeros_like(alpha)
        shadow[d:, d:] = alpha[:-d, :-d]
        blend(img, shadow, np.clip(255 - colour, 0, 255) * 0.5 + img[0, 0] * 0.5, 0, 0)
    blend(img, alpha, colour, 0, 0)
    if rng.random() < style.strike_p:
        y = int(oy + (by0 + by1) / 2 + rng.uniform(-0.3, 0.3) * lh)
        cv2.line(img, (0, y), (cw, y + int(rng.integers(-3, 4))), tuple(float(c) for c in colour),
                 int(rng.integers(1, 3)), cv2.LINE_AA)
    out_w = width or max(1, round(cw * height / ch))
    interp = cv2.INTER_AREA if ch > height else cv2.INTER_LINEAR
    img = cv2.resize(img, (out_w, height), interpolation=interp)
    return degrade(img, rng, style)


def _paste(dst: np.ndarray, src: np.ndarray, x: int, y: int) -> None:
    """Copy ``src`` into ``dst`` at (x, y), clipped to ``dst``."""
    h, w = src.shape[:2]
    H, W = dst.shape[:2]
    sx0, sy0 = max(0, -x), max(0, -y)
    dx0, dy0 = max(0, x), max(0, y)
    dx1, dy1 = min(W, x + w), min(H, y + h)
    if dx1 > dx0 and dy1 > dy0:
        dst[dy0:dy1, dx0:dx1] = np.maximum(dst[dy0:dy1, dx0:dx1],
                                           src[sy0:sy0 + dy1 - dy0, sx0:sx0 + dx1 - dx0])

"""Rendering presets: how much each sample is distorted. ``clean`` reads easily; ``hard`` has low
contrast, blur, noise, compression and stronger warps, the kind of input a released model misreads."""

from __future__ import annotations

from dataclasses import dataclass

from ppocr.errors import ConfigError


@dataclass(frozen=True)
class Style:
    name: str
    contrast: tuple[float, float]        # luminance difference between text and background
    backgrounds: tuple[float, ...]       # weights of flat, gradient, texture, shapes
    font_px: tuple[int, int]             # glyph size the crops are rendered at (then resized)
    squeeze: tuple[float, float]         # horizontal scale of the text
    spacing_p: float                     # chance of extra letter spacing
    rotate_deg: float                    # crop rotation (det lines use det_rotate_deg)
    det_rotate_deg: float
    perspective: tuple[float, float]     # (chance, corner jitter as a fraction of the height)
    shadow_p: float
    blur: tuple[float, float, float]     # (chance, min sigma, max sigma)
    motion_blur_p: float
    downscale: tuple[float, float, float]  # (chance, min factor, max factor)
    noise: tuple[float, float]           # gaussian noise sigma range
    jpeg: tuple[float, int, int]         # (chance, min quality, max quality)
    strike_p: float                      # chance of a line drawn across the text


STYLES = {
    "clean": Style(
        name="clean", contrast=(90, 200), backgrounds=(0.45, 0.3, 0.15, 0.1), font_px=(28, 44),
        squeeze=(0.85, 1.1), spacing_p=0.1, rotate_deg=1.5, det_rotate_deg=8,
        perspective=(0.15, 0.04), shadow_p=0.03, blur=(0.2, 0.3, 0.8), motion_blur_p=0.0,
        downscale=(0.1, 0.7, 0.9), noise=(0, 4), jpeg=(0.2, 60, 95), strike_p=0.0),
    "hard": Style(
        name="hard", contrast=(35, 90), backgrounds=(0.1, 0.25, 0.35, 0.3), font_px=(16, 40),
        squeeze=(0.65, 1.25), spacing_p=0.25, rotate_deg=4, det_rotate_deg=25,
        perspective=(0.5, 0.12), shadow_p=0.15, blur=(0.6, 0.6, 1.4), motion_blur_p=0.2,
        downscale=(0.4, 0.45, 0.8), noise=(4, 14), jpeg=(0.7, 15, 50), strike_p=0.15),
}
STYLE_NAMES = (*STYLES, "mixed")


def get_style(name: str) -> Style | None:
    """The preset; ``None`` for ``mixed`` (each sample draws clean or hard)."""
    if name == "mixed":
        return None
    if name not in STYLES:
        raise ConfigError(f"--style: '{name}' is not one of {', '.join(STYLE_NAMES)}")
    return STYLES[name]

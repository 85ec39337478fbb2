"""Writers of labelled sets in PaddleOCR's formats: ``DIR/images/*`` and ``DIR/label.txt`` with
paths relative to ``DIR`` (so ``data_dir: DIR`` and ``label_file_list: [DIR/label.txt]`` work).

Sample ``i`` of a set is drawn from its own generators seeded with (seed, kind, i), so the same
arguments give byte-identical files, and a smaller ``num`` gives a prefix of a larger one.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable

import cv2
import numpy as np

from ppocr.errors import ConfigError, DataError
from ppocr.utils.io import atomic_write_text
from ppocr_synth.det import DONT_CARE, render_page
from ppocr_synth.fonts import build_font_pool
from ppocr_synth.render import render_crop
from ppocr_synth.styles import STYLES, Style, get_style
from ppocr_synth.text import TextSampler, default_chars, load_charset, unique_chars

_KIND_IDS = {"det": 1, "rec": 2, "cls": 3}
EXTS = ("jpg", "png")
JPEG_QUALITY = 95
PNG_COMPRESSION = 3


class Synth:
    """The alphabet, fonts, text lengths and style one set is drawn with."""

    def __init__(self, chars: str | None = None, charset_file: str | None = None,
                 fonts: list[str] | None = None, lang: str = "en", min_len: int = 3, max_len: int = 20,
                 style: str = "clean"):
        if chars and charset_file:
            raise ConfigError("give either chars (--chars) or charset_file (--charset), not both")
        alphabet = chars or (load_charset(charset_file) if charset_file else default_chars(lang))
        self.pool, self.chars = build_font_pool(fonts, unique_chars(alphabet), lang)
        self.texts = TextSampler(self.chars, min_len, max_len)
        self.style = get_style(style)

    def style_for(self, rng: np.random.Generator) -> Style:
        return self.style or STYLES["clean" if rng.random() < 0.5 else "hard"]

    def pick_text(self, r: random.Random) -> tuple[str, str]:
        """(font path, text) with every character of the text renderable by that font."""
        for _ in range(100):
            font, text = self.pool.pick(self.texts.sample(r), r)
            if text and text != DONT_CARE:
                return font, text
        raise DataError("could not draw a renderable text from the character set")


def sample_rngs(seed: int, kind: str, index: int) -> tuple[np.random.Generator, random.Random]:
    """The numpy and Python generators of sample ``index`` (never the global ones)."""
    if seed < 0:
        raise ConfigError(f"seed must be >= 0, got {seed}")
    rng = np.random.default_rng([seed, _KIND_IDS[kind], index])
    return rng, random.Random(int(rng.integers(2 ** 62)))


def rec_sample(synth: Synth, seed: int, index: int, height: int = 48, width: int | None = None,
               kind: str = "rec", margin: tuple[float, float] = (0.5, 0.3)) -> tuple[np.ndarray, str]:
    """(BGR crop, its text) of sample ``index``."""
    rng, r = sample_rngs(seed, kind, index)
    style = synth.style_for(rng)
    for _ in range(100):
        font, text = synth.pick_text(r)
        img = render_crop(text, font, rng, style, height, width, margin)
        if img is not None:
            return img, text
    raise DataError("the fonts ink nothing for the sampled texts")


def cls_label(seed: int, index: int) -> str:
    """'0' or '180'; each pair of samples (2k, 2k+1) holds one of each, in random order."""
    flip = int(np.random.default_rng([seed, _KIND_IDS["cls"], index // 2, 7]).integers(2))
    return ("0", "180")[(index + flip) % 2]


def cls_sample(synth: Synth, seed: int, index: int, height: int = 48,
               width: int | None = None) -> tuple[np.ndarray, str, np.ndarray]:
    """(image, label, upright rendering): a '180' image is the upright one rotated by 180 degrees."""
    upright, _ = rec_sample(synth, seed, index, height, width, kind="cls", margin=(0.9, 0.45))
    label = cls_label(seed, index)
    img = np.ascontiguousarray(upright[::-1, ::-1]) if label == "180" else upright
    return img, label, upright


def det_sample(synth: Synth, seed: int, index: int, height: int = 640, width: int = 640,
               dont_care: float = 0.1) -> tuple[np.ndarray, list[dict]]:
    """(BGR page, annotations) of sample ``index``."""
    rng, r = sample_rngs(seed, "det", index)
    return render_page(lambda: synth.pick_text(r), rng, synth.style_for(rng), height, width, dont_care)


def make_rec_set(out_dir: str, num: int, seed: int = 0, *, height: int = 48, width: int | None = None,
                 min_len: int = 3, max_len: int = 20, chars: str | None = None,
                 charset_file: str | None = None, fonts: list[str] | None = None, lang: str = "en",
                 style: str = "clean", ext: str = "jpg", progress: bool = False) -> str:
    """Text-line crops ``height`` high (``width`` wide, or as wide as the text), label lines
    ``images/N.ext<TAB>text``. Alphabet and fonts: see :class:`Synth`. Returns the label file's path."""
    _check_size(height, width, 8)
    synth = Synth(chars, charset_file, fonts, lang, min_len, max_len, style)
    return write_set(out_dir, num, ext, lambda i: rec_sample(synth, seed, i, height, width), progress)


def make_cls_set(out_dir: str, num: int, seed: int = 0, *, height: int = 48, width: int | None = None,
                 min_len: int = 1, max_len: int = 24, chars: str | None = None,
                 charset_file: str | None = None, fonts: list[str] | None = None, lang: str = "en",
                 style: str = "clean", ext: str = "jpg", progress: bool = False) -> str:
    """Direction-classifier crops, label lines ``images/N.ext<TAB>0`` or ``<TAB>180``, half of each."""
    _check_size(height, width, 8)
    synth = Synth(chars, charset_file, fonts, lang, min_len, max_len, style)
    return write_set(out_dir, num, ext, lambda i: cls_sample(synth, seed, i, height, width)[:2], progress)


def make_det_set(out_dir: str, num: int, seed: int = 0, *, height: int = 640, width: int = 640,
                 min_len: int = 1, max_len: int = 16, dont_care: float = 0.1, chars: str | None = None,
                 charset_file: str | None = None, fonts: list[str] | None = None, lang: str = "en",
                 style: str = "clean", ext: str = "jpg", progress: bool = False) -> str:
    """Detection pages, label lines ``images/N.ext<TAB>[{"transcription": ..., "points": [[x, y] x4]}]``;
    ``dont_care`` is the share of lines drawn too small to read and labelled '###'."""
    _check_size(height, width, 32)
    if not 0 <= dont_care <= 1:
        raise ConfigError(f"dont_care must be in [0, 1], got {dont_care}")
    synth = Synth(chars, charset_file, fonts, lang, min_len, max_len, style)

    def one(i: int) -> tuple[np.ndarray, str]:
        img, anns = det_sample(synth, seed, i, height, width, dont_care)
        return img, json.dumps(anns, ensure_ascii=False)

    return write_set(out_dir, num, ext, one, progress)


def _check_size(height: int, width: int | None, least: int) -> None:
    if height < least or (width is not None and width < least):
        raise ConfigError(f"image size: height and width must be >= {least}, got {height} x {width}")


def write_set(out_dir: str, num: int, ext: str, make: Callable[[int], tuple[np.ndarray, str]],
              progress: bool = False) -> str:
    """Write ``make(i)`` for i < num as ``images/<i>.<ext>`` and the label file; return its path.
    ``progress``: a progress bar on stderr (tools/synth_data.py)."""
    if num < 1:
        raise ConfigError(f"num must be >= 1, got {num}")
    if ext not in EXTS:
        raise ConfigError(f"ext: '{ext}' is not one of {', '.join(EXTS)}")
    params = [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY] if ext == "jpg" else \
        [cv2.IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION]
    os.makedirs(os.path.join(out_dir, "images"), exist_ok=True)
    digits = max(6, len(str(num - 1)))
    lines = []
    steps = range(num)
    if progress:
        from tqdm import tqdm

        steps = tqdm(steps, desc=f"writing {out_dir}", unit="img", mininterval=1.0)
    for i in steps:
        img, label = make(i)
        rel = f"images/{i:0{digits}d}.{ext}"
        ok, buf = cv2.imencode(f".{ext}", img, params)
        if not ok:
            raise DataError(f"could not encode {rel}")
        with open(os.path.join(out_dir, rel), "wb") as f:
            f.write(buf.tobytes())
        lines.append(f"{rel}\t{label}")
    label_path = os.path.join(out_dir, "label.txt")
    atomic_write_text(label_path, "\n".join(lines) + "\n")
    return label_path

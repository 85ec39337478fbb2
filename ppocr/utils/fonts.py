"""Font lookup through matplotlib's font manager, and glyph coverage.

Shared by the data generator (``ppocr_synth``) and the result drawings
(``ppocr/inference/visualize.py``). Nothing is downloaded at run time: the DejaVu family comes with
matplotlib (its bundled copies are taken first, so they are pinned with the virtual environment;
the system's add the Condensed cuts), and a CJK font is any installed font that has Chinese glyphs.
One comes with the installation: WenQuanYi Micro Hei (Apache-2.0, GB2312 and more) from the pinned
``paperang-p2-fonts-cjk`` package, registered with matplotlib's font manager and listed first.
"""

from __future__ import annotations

import functools
import importlib.resources
import os

from PIL import ImageFont

FONT_EXTS = (".ttf", ".otf", ".ttc", ".otc")

# (family, bold, slanted, condensed): the DejaVu cuts drawn with, in a fixed order
DEJAVU_VARIANTS = (
    ("DejaVu Sans", False, False, False), ("DejaVu Sans", True, False, False),
    ("DejaVu Sans", False, True, False), ("DejaVu Sans", True, True, False),
    ("DejaVu Serif", False, False, False), ("DejaVu Serif", True, False, False),
    ("DejaVu Serif", False, True, False), ("DejaVu Serif", True, True, False),
    ("DejaVu Sans Mono", False, False, False), ("DejaVu Sans Mono", True, False, False),
    ("DejaVu Sans Mono", False, True, False),
    ("DejaVu Sans", False, False, True), ("DejaVu Sans", True, False, True),
    ("DejaVu Sans", False, True, True),
    ("DejaVu Serif", False, False, True), ("DejaVu Serif", True, False, True),
    ("DejaVu Serif", False, True, True),
)
_CJK_PROBE = "中文的字"  # four common Chinese characters a CJK font must draw

# The CJK font that comes with the installation (requirements.txt, pyproject.toml): package, file
PACKAGED_CJK = ("paperang_p2_fonts_cjk", "fonts/wqy-microhei.ttc")
CJK_FONT_PIN = "paperang-p2-fonts-cjk==0.1.0"
CJK_FONT_ADVICE = (f"`pip install {CJK_FONT_PIN}` (WenQuanYi Micro Hei, the font ppocr installs) or give "
                   f"--vis_font_path PATH to a font with Chinese glyphs")


def packaged_cjk_font() -> str | None:
    """The path of the CJK font installed with ppocr, or None when its package is absent."""
    package, name = PACKAGED_CJK
    try:
        path = str(importlib.resources.files(package).joinpath(name))
    except ModuleNotFoundError:
        return None
    return path if os.path.isfile(path) else None


@functools.cache
def _register_packaged_cjk() -> None:
    """Add the packaged CJK font to matplotlib's font manager (it only scans system folders)."""
    from matplotlib import font_manager

    path = packaged_cjk_font()
    if path and not any(e.fname == path for e in font_manager.fontManager.ttflist):
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # an unreadable file: as if it were absent
            pass


def _font_entries() -> list:
    """matplotlib's list of installed TrueType/OpenType fonts (its own, the system's and ppocr's)."""
    from matplotlib import font_manager

    _register_packaged_cjk()
    return font_manager.fontManager.ttflist


def _weight(entry) -> int:
    from matplotlib import font_manager

    w = entry.weight
    return int(w) if isinstance(w, (int, float)) else int(font_manager.weight_dict.get(w, 400))


def _variant(entry) -> tuple[str, bool, bool, bool] | None:
    weight = _weight(entry)
    if weight not in (400, 700):  # Book and Bold; not ExtraLight
        return None
    return entry.name, weight == 700, entry.style != "normal", entry.stretch == "condensed"


def dejavu_fonts() -> list[str]:
    """Paths of the DejaVu cuts found, one per cut, in the order of ``DEJAVU_VARIANTS``;
    matplotlib's bundled file first when both it and the system have one."""
    return list(_dejavu_fonts())


def find_cjk_fonts() -> list[str]:
    """Installed fonts that have glyphs for Chinese text (their own glyph for each character of
    ``_CJK_PROBE``): the one installed with ppocr first (the same on every machine), then the
    others sorted by path."""
    return list(_cjk_fonts())


@functools.cache
def _dejavu_fonts() -> tuple[str, ...]:
    import matplotlib

    bundled = os.path.realpath(matplotlib.get_data_path())
    by_variant: dict[tuple, list[str]] = {}
    for entry in _font_entries():
        by_variant.setdefault(_variant(entry), []).append(entry.fname)
    found = []
    for variant in DEJAVU_VARIANTS:
        paths = sorted(set(by_variant.get(variant, [])),
                       key=lambda p: (not os.path.realpath(p).startswith(bundled + os.sep), p))
        paths = [p for p in paths if os.path.isfile(p)]
        if paths:
            found.append(paths[0])
    return tuple(found)


@functools.cache
def _cjk_fonts() -> tuple[str, ...]:
    from matplotlib.ft2font import FT2Font

    found = set()
    for path in {entry.fname for entry in _font_entries()}:
        if not path.lower().endswith(FONT_EXTS) or not os.path.isfile(path):
            continue
        try:
            face = FT2Font(path)  # the first face of a collection, as truetype() loads it
        except (OSError, RuntimeError):
            continue
        glyphs = [face.get_char_index(ord(ch)) for ch in _CJK_PROBE]
        # a glyph of its own for each character: a fallback font (matplotlib's Last Resort) maps
        # a whole Unicode block to one placeholder glyph
        if all(glyphs) and len(set(glyphs)) == len(glyphs):
            found.add(path)
    packaged = packaged_cjk_font()
    return tuple(sorted(found, key=lambda p: (p != packaged, p)))


@functools.lru_cache(maxsize=512)
def truetype(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A PIL font with the basic layout engine (the same on every machine, no raqm)."""
    return ImageFont.truetype(path, size, index=0, layout_engine=ImageFont.Layout.BASIC)


@functools.lru_cache(maxsize=64)
def _cmap(path: str) -> frozenset[int] | None:
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    font = TTFont(path, fontNumber=0, lazy=True)
    try:
        return frozenset(font.getBestCmap() or ())
    finally:
        font.close()


@functools.lru_cache(maxsize=65536)
def _pil_covers(path: str, ch: str) -> bool:
    font = truetype(path, 24)
    missing = font.getmask("\U0010fffd")
    mask = font.getmask(ch)
    return (mask.size, bytes(mask)) != (missing.size, bytes(missing))


def covers(path: str, ch: str) -> bool:
    """Whether the font at ``path`` has a glyph for ``ch`` (its cmap via fontTools; without
    fontTools, whether PIL draws it differently from the font's missing-glyph box)."""
    cmap = _cmap(path)
    return ord(ch) in cmap if cmap is not None else _pil_covers(path, ch)

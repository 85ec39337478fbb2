"""Font discovery and glyph coverage, so that no character is ever drawn as a tofu box.

Default fonts are the DejaVu family: matplotlib's bundled copies first (pinned with the virtual
environment), then the system's (which add the Condensed cuts). A CJK font is looked up with
``fc-list`` and in the usual font folders when the alphabet needs one. Coverage comes from the
font's cmap (fontTools); without fontTools a glyph is compared with the font's missing-glyph box.
"""

from __future__ import annotations

import functools
import glob
import os
import random
import re
import subprocess

from PIL import ImageFont

from ppocr.data.synth.text import is_cjk
from ppocr.errors import ConfigError
from ppocr.utils.logging import get_logger

DEJAVU_FILES = (
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf",
    "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf",
    "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSansMono-Oblique.ttf",
    "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf", "DejaVuSansCondensed-Oblique.ttf",
    "DejaVuSerifCondensed.ttf", "DejaVuSerifCondensed-Bold.ttf", "DejaVuSerifCondensed-Italic.ttf",
)
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
             "/System/Library/Fonts", "/Library/Fonts", "C:/Windows/Fonts")
FONT_EXTS = (".ttf", ".otf", ".ttc", ".otc")
_CJK_NAME = re.compile(r"cjk|wqy|wenquanyi|droid.*fallback|sourcehan|source han|notosans[a-z]*(sc|tc|jp|kr)"
                       r"|simsun|simhei|msyh|msjh|pingfang|hiragino|ukai|uming|arphic|kaiti|fangsong",
                       re.IGNORECASE)
_CJK_PROBE = "中文的字"


def _dejavu_dirs() -> list[str]:
    dirs = []
    try:
        import matplotlib

        dirs.append(os.path.join(matplotlib.get_data_path(), "fonts", "ttf"))
    except ImportError:
        pass
    return dirs + ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
                   "/usr/local/share/fonts", os.path.expanduser("~/.fonts")]


def dejavu_fonts() -> list[str]:
    """Paths of the DejaVu variants found, one per variant, in the order of ``DEJAVU_FILES``."""
    found = []
    dirs = _dejavu_dirs()
    for name in DEJAVU_FILES:
        for d in dirs:
            path = os.path.join(d, name)
            if os.path.isfile(path):
                found.append(path)
                break
    return found


def find_cjk_fonts() -> list[str]:
    """Installed fonts that render Chinese, sorted by path (``fc-list :lang=zh`` and known names)."""
    candidates = set()
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                             timeout=20).stdout
        candidates.update(line.split(":")[0].strip() for line in out.splitlines() if line.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    for root in FONT_DIRS:
        root = os.path.expanduser(root)
        if os.path.isdir(root):
            for path in glob.iglob(os.path.join(root, "**", "*"), recursive=True):
                if path.lower().endswith(FONT_EXTS) and _CJK_NAME.search(os.path.basename(path)):
                    candidates.add(path)
    return sorted(p for p in candidates if os.path.isfile(p) and p.lower().endswith(FONT_EXTS)
                  and all(covers(p, ch) for ch in _CJK_PROBE))


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
    """Whether the font at ``path`` has a glyph for ``ch``."""
    cmap = _cmap(path)
    return ord(ch) in cmap if cmap is not None else _pil_covers(path, ch)


def expand_font_args(items: list[str]) -> list[str]:
    """``--font`` values: font files, or folders whose fonts are all taken (sorted)."""
    paths = []
    for item in items:
        item = os.path.expanduser(item)
        if os.path.isdir(item):
            inside = sorted(p for p in glob.glob(os.path.join(item, "**", "*"), recursive=True)
                            if p.lower().endswith(FONT_EXTS))
            if not inside:
                raise ConfigError(f"--font: no .ttf/.otf/.ttc files in folder {item}")
            paths += inside
        elif os.path.isfile(item):
            paths.append(item)
        else:
            raise ConfigError(f"--font: {item} does not exist")
    for p in paths:
        try:
            truetype(p, 16)
        except OSError as e:
            raise ConfigError(f"--font: cannot load {p}: {e}") from e
    return paths


class FontPool:
    """The fonts a set is drawn with, and which characters each can render."""

    def __init__(self, paths: list[str]):
        if not paths:
            raise ConfigError("no fonts to render with")
        self.paths = list(dict.fromkeys(paths))

    def renderable(self, chars: str) -> str:
        """The characters of ``chars`` that at least one font can render."""
        return "".join(c for c in chars if c == " " or any(covers(p, c) for p in self.paths))

    def pick(self, text: str, r: random.Random) -> tuple[str, str]:
        """(font path, text): a random font that renders all of ``text``; when none does, the font
        that renders most of it, and the text without the characters it lacks."""
        solid = set(text) - {" "}
        full = [p for p in self.paths if all(covers(p, c) for c in solid)]
        if full:
            return r.choice(full), text
        best = max(self.paths, key=lambda p: sum(covers(p, c) for c in solid))
        kept = "".join(c for c in text if c == " " or covers(best, c))
        return best, " ".join(kept.split())


def build_font_pool(fonts: list[str] | None, chars: str, lang: str = "en") -> tuple[FontPool, str]:
    """(fonts, the renderable part of ``chars``). ``fonts`` replaces the default DejaVu set; a CJK
    font is added to the default set when ``lang`` is ch or ``chars`` has CJK characters."""
    needs_cjk = any(is_cjk(c) for c in chars)
    if fonts:
        paths = expand_font_args(fonts)
    else:
        paths = dejavu_fonts()
        if not paths:
            raise ConfigError("no DejaVu fonts found (they ship with matplotlib and the fonts-dejavu "
                              "package); pass --font PATH")
        if needs_cjk or lang == "ch":
            cjk = find_cjk_fonts()
            if not cjk and needs_cjk:
                raise ConfigError("the character set has CJK characters but no CJK font was found "
                                  "(fc-list :lang=zh, /usr/share/fonts); pass --font PATH to a font "
                                  "that covers them, e.g. NotoSansCJK-Regular.ttc")
            paths += cjk[:4]
    pool = FontPool(paths)
    usable = pool.renderable(chars)
    if needs_cjk and not any(is_cjk(c) for c in usable):
        raise ConfigError(f"none of the fonts ({', '.join(map(os.path.basename, pool.paths))}) covers "
                          f"the CJK characters of the character set; pass --font PATH to a CJK font")
    dropped = [c for c in chars if c not in usable]
    if dropped:
        get_logger().warning(f"synth: {len(dropped)} characters no font can render are not used: "
                             f"{''.join(dropped[:30])!r}{' ...' if len(dropped) > 30 else ''}")
    if not usable.strip():
        raise ConfigError("no character of the character set can be rendered with the fonts given")
    return pool, usable

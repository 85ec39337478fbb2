"""The fonts a set is drawn with: ``--font`` arguments, or the default DejaVu cuts plus a CJK font
when the alphabet needs one (found with :mod:`ppocr.utils.fonts`), and which characters each can
render, so that no character is ever drawn as a tofu box.
"""

from __future__ import annotations

import glob
import os
import random

from ppocr.errors import ConfigError
from ppocr.utils.fonts import FONT_EXTS, covers, dejavu_fonts, find_cjk_fonts, truetype
from ppocr.utils.logging import get_logger
from ppocr_synth.text import is_cjk


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
                                  "(among the fonts matplotlib's font manager lists); pass --font PATH "
                                  "to a font that covers them, e.g. NotoSansCJK-Regular.ttc")
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

"""Font lookup (ppocr/utils/fonts.py): DejaVu from matplotlib's font list, CJK fonts by glyph coverage."""

import os

import matplotlib
import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from matplotlib.font_manager import FontEntry

from ppocr.utils import fonts

CHINESE = "中文的字"


def write_font(path, chars: str, one_glyph: bool = False) -> str:
    """A minimal TrueType font with a square glyph for each of ``chars`` (or one glyph for all)."""
    names = [".notdef"] + (["box"] if one_glyph else [f"g{i}" for i in range(len(chars))])
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): names[1 if one_glyph else i + 1] for i, c in enumerate(chars)})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        pen.moveTo((50, 0))
        pen.lineTo((50, 700))
        pen.lineTo((550, 700))
        pen.closePath()
        glyphs[name] = pen.glyph()
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({name: (600, 50) for name in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": os.path.basename(path), "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(path))
    return str(path)


@pytest.fixture
def font_list(monkeypatch):
    """Replace matplotlib's font list with the given files (and forget the cached lookups)."""
    def use(paths):
        monkeypatch.setattr(fonts, "_font_entries", lambda: [FontEntry(fname=p, name="x") for p in paths])
        fonts._cjk_fonts.cache_clear()

    yield use
    fonts._cjk_fonts.cache_clear()


def test_dejavu_cuts_come_from_matplotlib_first():
    paths = fonts.dejavu_fonts()
    bundled = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    assert os.path.basename(paths[0]) == "DejaVuSans.ttf" and paths[0].startswith(bundled)
    assert len(set(paths)) == len(paths) <= len(fonts.DEJAVU_VARIANTS)
    names = [os.path.basename(p) for p in paths]
    # matplotlib ships the Book and Bold cuts (not the Condensed ones): they are always found there
    for name in ("DejaVuSans-BoldOblique.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSansMono-Bold.ttf"):
        assert os.path.join(bundled, name) in paths
    assert not any("Display" in n or "ExtraLight" in n for n in names)
    paths.append("changed")  # callers get a copy
    assert "changed" not in fonts.dejavu_fonts()


def test_cjk_fonts_are_found_by_their_glyphs(tmp_path, font_list):
    cjk = write_font(tmp_path / "cjk.ttf", CHINESE + "abc")
    placeholder = write_font(tmp_path / "fallback.ttf", CHINESE, one_glyph=True)  # Last Resort's way
    partial = write_font(tmp_path / "partial.ttf", CHINESE[:2])
    font_list([fonts.dejavu_fonts()[0], placeholder, partial, cjk])
    assert fonts.find_cjk_fonts() == [cjk]
    assert all(fonts.covers(cjk, c) for c in CHINESE) and not fonts.covers(partial, CHINESE[3])


def test_no_cjk_font_among_matplotlibs_own():
    # matplotlib bundles DejaVu, STIX, Computer Modern and Last Resort: none draws Chinese
    bundled = os.path.realpath(matplotlib.get_data_path())
    assert not [p for p in fonts.find_cjk_fonts() if os.path.realpath(p).startswith(bundled)]

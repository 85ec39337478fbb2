"""Chinese in the result drawings: the CJK font installed with ppocr (WenQuanYi Micro Hei from the pinned
paperang-p2-fonts-cjk) is found and draws real glyphs, not the empty box a font without Chinese draws;
without any CJK font there is one warning saying how to get one."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ppocr.inference import visualize
from ppocr.utils import fonts

LINE = "中文识别"


def glyph(path: str, ch: str) -> tuple:
    mask = fonts.truetype(path, 32).getmask(ch)
    return mask.size, bytes(mask)


def render(path: str, text: str) -> np.ndarray:
    img = Image.new("L", (200, 48), 255)
    ImageDraw.Draw(img).text((4, 4), text, fill=0, font=fonts.truetype(path, 32))
    return np.asarray(img)


@pytest.fixture
def cjk_font():
    visualize.find_font.cache_clear()
    path = visualize.find_font()
    # it is a pinned requirement: absent means the installation is broken, never a skip
    assert fonts.packaged_cjk_font(), f"the CJK font package is not installed: {fonts.CJK_FONT_PIN}"
    yield path
    visualize.find_font.cache_clear()


def test_the_installed_cjk_font_is_found_first(cjk_font):
    assert cjk_font == fonts.packaged_cjk_font() == fonts.find_cjk_fonts()[0]
    assert all(fonts.covers(cjk_font, ch) for ch in LINE)


def test_chinese_is_drawn_with_glyphs_not_boxes(cjk_font):
    dejavu = fonts.dejavu_fonts()[0]
    box = glyph(dejavu, "\U0010fffd")  # DejaVu's missing-glyph (.notdef) box
    assert all(glyph(dejavu, ch) == box for ch in LINE)  # what Chinese looked like before: boxes
    own_box = glyph(cjk_font, "\U0010fffd")
    drawn = [glyph(cjk_font, ch) for ch in LINE]
    assert all(g != own_box and g != box for g in drawn)
    assert len(set(drawn)) == len(LINE)  # four different glyphs
    with_cjk, with_boxes = render(cjk_font, LINE) < 128, render(dejavu, LINE) < 128
    assert with_cjk.sum() > 200  # ink
    assert (with_cjk != with_boxes).sum() > 0.5 * max(with_cjk.sum(), with_boxes.sum())


def test_vis_font_path_still_wins(cjk_font):
    dejavu = fonts.dejavu_fonts()[0]
    assert visualize.find_font(dejavu) == dejavu


def test_without_a_cjk_font_one_warning_says_how_to_get_one(monkeypatch, logs):
    monkeypatch.setattr(visualize, "find_cjk_fonts", lambda: [])
    visualize.find_font.cache_clear()
    try:
        first, again = visualize.find_font(), visualize.find_font()
    finally:
        visualize.find_font.cache_clear()
    assert first == again == fonts.dejavu_fonts()[0]
    warnings = [r.getMessage() for r in logs.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert fonts.CJK_FONT_PIN in warnings[0] and "--vis_font_path" in warnings[0]

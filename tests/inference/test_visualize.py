"""Result lines and drawn images of the OCR system."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ppocr.errors import DataError
from ppocr.inference.system import OCRLine
from ppocr.inference.visualize import draw_ocr, find_font, system_result_line


def line(text, score, x=10, y=10):
    return OCRLine(np.array([[x, y], [x + 60, y], [x + 60, y + 20], [x, y + 20]], np.float32), text, score)


def test_system_result_line_is_paddleocr_json_with_scores():
    path, found = system_result_line("imgs/a b.jpg", [line("中文 text", 0.875), line("x", 0.5, 5, 40)]).split("\t")
    assert path == "imgs/a b.jpg"
    assert json.loads(found) == [
        {"transcription": "中文 text", "points": [[10, 10], [70, 10], [70, 30], [10, 30]], "score": 0.875},
        {"transcription": "x", "points": [[5, 40], [65, 40], [65, 60], [5, 60]], "score": 0.5}]
    assert "中文" in found  # not escaped
    assert system_result_line("b.jpg", []) == "b.jpg\t[]"


def test_draw_ocr_puts_a_panel_beside_the_image():
    image = np.full((80, 100, 3), 200, np.uint8)
    font = find_font()
    drawn = draw_ocr(image, [line("AB", 0.9)], font)
    assert drawn.shape == (80, 200, 3)
    assert (drawn[:, :100] != image).any()          # the box is shaded on the image
    assert drawn[50:, 110:].min() == 255            # the panel is white outside the box
    if font is not None:
        assert drawn[12:28, 112:168].min() < 128    # the text written in the panel's box
    assert draw_ocr(image, [], None).shape == (80, 200, 3)


def test_a_missing_font_file_is_named():
    with pytest.raises(DataError, match="no/such.ttf"):
        find_font("no/such.ttf")

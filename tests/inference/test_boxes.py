"""Box geometry of the OCR system: ordering, clipping, reading order, upright crops."""

from __future__ import annotations

import cv2
import numpy as np

from ppocr.inference.boxes import crop_box, order_clockwise, reading_order, tidy_boxes


def rect(x, y, w=40, h=12):
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float32)


def test_order_clockwise_from_any_start():
    tl, tr, br, bl = [10, 10], [50, 12], [49, 30], [9, 28]
    for quad in ([br, bl, tl, tr], [tr, tl, bl, br], [bl, br, tr, tl]):
        assert order_clockwise(np.array(quad)).tolist() == [tl, tr, br, bl]


def test_tidy_boxes_clips_to_the_image_and_drops_slivers():
    boxes = tidy_boxes([rect(-5, 90, 60, 20), rect(10, 10, 3, 20), rect(10, 40, 30, 4), rect(20, 20, 30, 10)],
                       height=100, width=50)
    # the first is clipped to x in [0, 49], y in [0, 99]; a 3 px wide box goes; 4 px stays
    assert boxes.dtype == np.float32
    assert boxes.tolist() == [[[0, 90], [49, 90], [49, 99], [0, 99]],
                              [[10, 40], [40, 40], [40, 44], [10, 44]],
                              [[20, 20], [49, 20], [49, 30], [20, 30]]]


def test_reading_order_top_to_bottom_then_left_to_right():
    boxes = [rect(200, 105), rect(10, 10), rect(100, 8), rect(20, 100), rect(300, 100), rect(5, 200)]
    # line 1: y 10 at x 10, y 8 at x 100 (less than 10 px apart: x decides);
    # line 2: y 100 / 105 at x 20, 200, 300; then y 200
    assert reading_order(boxes) == [1, 2, 3, 0, 4, 5]


def test_reading_order_bubbles_a_box_past_several_neighbours():
    # sorted by y: x 300 (y 0), x 200 (y 3), x 100 (y 6): each moves left past the others
    assert reading_order([rect(300, 0), rect(200, 3), rect(100, 6)]) == [2, 1, 0]
    # 10 px apart or more: separate lines, whatever x says
    assert reading_order([rect(300, 0), rect(100, 10)]) == [0, 1]
    assert reading_order(np.zeros((0, 4, 2))) == []


def striped_page():
    """A 30 x 120 patch, left half black and right half white, pasted rotated by 30 degrees."""
    patch = np.zeros((30, 120, 3), np.uint8)
    patch[:, 60:] = 255
    page = np.full((300, 300, 3), 128, np.uint8)
    m = cv2.getRotationMatrix2D((60, 15), 30, 1.0)
    m[:, 2] += [90, 135]
    cv2.warpAffine(patch, m, (300, 300), dst=page, borderMode=cv2.BORDER_TRANSPARENT)
    corners = cv2.transform(np.array([[[0, 0], [120, 0], [120, 30], [0, 30]]], np.float32), m)[0]
    return page, corners


def test_crop_box_warps_a_rotated_line_upright():
    page, corners = striped_page()
    crop = crop_box(page, corners)
    assert crop.shape == (30, 120, 3) or crop.shape == (29, 119, 3)  # int() of float edge lengths
    h, w = crop.shape[:2]
    inner = crop[3:h - 3]
    assert inner[:, 3:w // 2 - 5].mean() < 20       # black half on the left
    assert inner[:, w // 2 + 5:w - 3].mean() > 235  # white half on the right


def test_crop_box_turns_tall_crops_to_lines():
    page = np.full((200, 100, 3), 255, np.uint8)
    page[20:140, 40:70] = 0          # a 30 x 120 vertical bar ...
    page[20:35, 40:70] = 128         # ... with a grey top
    crop = crop_box(page, rect(40, 20, 30, 120))
    assert crop.shape[:2] == (30, 120) and crop.flags["C_CONTIGUOUS"]
    # turned anticlockwise: the top of the bar is now on the left
    assert crop[:, :10].mean() > 100 and crop[:, 20:].mean() < 5
    # below 1.5 (h / w = 1.4): kept as it is
    assert crop_box(page, rect(40, 20, 30, 42)).shape[:2] == (42, 30)

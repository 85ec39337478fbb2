"""DBPostProcess: synthetic maps with known text regions, and an independent reference written from
PaddleOCR's documented DB post-processing."""

import cv2
import numpy as np
import paddle
import pyclipper
import pytest
from shapely.geometry import Polygon

import ppocr.postprocess  # noqa: F401  (registers the post-processors)
from ppocr.errors import ConfigError
from ppocr.registry import POSTPROCESS


def post(**args):
    return POSTPROCESS.build({"name": "DBPostProcess", **args}, "PostProcess")


def blank(h=100, w=120):
    return np.zeros((h, w), np.float32)


def rect(prob, x0, y0, x1, y1, value=0.9):
    prob[y0:y1 + 1, x0:x1 + 1] = value
    return prob


def expected_quad(x0, y0, x1, y1, ratio=1.5):
    """The contour's rectangle (x0..x1, y0..y1) grown by D = area * ratio / perimeter."""
    w, h = x1 - x0, y1 - y0
    d = w * h * ratio / (2 * (w + h))
    return np.array([[x0 - d, y0 - d], [x1 + d, y0 - d], [x1 + d, y1 + d], [x0 - d, y1 + d]])


def test_rectangle_found_with_its_coordinates_and_score():
    prob = rect(blank(), 30, 20, 89, 39)
    out = post(thresh=0.3, box_thresh=0.6, unclip_ratio=1.5)({"maps": prob[None, None]})
    assert len(out) == 1 and out[0]["points"].shape == (1, 4, 2) and out[0]["points"].dtype == np.int16
    np.testing.assert_allclose(out[0]["points"][0], expected_quad(30, 20, 89, 39), atol=1.01)
    assert out[0]["scores"][0] == pytest.approx(0.9, abs=0.05)


def test_points_are_mapped_to_the_source_image():
    prob = rect(blank(), 30, 20, 89, 39)
    maps = np.stack([prob, np.zeros_like(prob), np.zeros_like(prob)])[None]  # training-style 3 channels
    out = post(box_thresh=0.6, unclip_ratio=1.5)({"maps": paddle.to_tensor(maps)},
                                                 {"shape": np.array([[200, 360, 2.0, 3.0]])})
    np.testing.assert_allclose(out[0]["points"][0], expected_quad(30, 20, 89, 39) * [3, 2], atol=3.01)
    near_edge = post(box_thresh=0.6)({"maps": rect(blank(), 100, 80, 119, 99)[None, None]},
                                     {"shape": np.array([[50, 60, 0.5, 0.5]])})
    pts = near_edge[0]["points"][0]
    assert pts[:, 0].max() == 60 and pts[:, 1].max() == 50  # clipped to the source image


def test_below_box_thresh_and_tiny_regions_are_dropped():
    prob = rect(blank(), 10, 10, 60, 30, value=0.5)   # binarized, but scores 0.5 < 0.6
    rect(prob, 80, 70, 81, 71)                        # 2 x 2 px: short side < min_size
    rect(prob, 70, 40, 110, 60)                       # kept
    out = post(box_thresh=0.6)({"maps": prob[None, None]})
    assert len(out[0]["points"]) == 1
    assert out[0]["points"][0][:, 0].min() > 50  # the kept box (grown by D = 13.3)


def test_max_candidates_and_dilation():
    prob = blank(100, 300)
    for i in range(5):
        rect(prob, 10 + 55 * i, 10, 50 + 55 * i, 30)
    assert len(post()({"maps": prob[None, None]})[0]["points"]) == 5
    assert len(post(max_candidates=2)({"maps": prob[None, None]})[0]["points"]) == 2
    split = rect(rect(blank(), 10, 50, 40, 70), 42, 50, 80, 70)  # one pixel column apart
    assert len(post()({"maps": split[None, None]})[0]["points"]) == 2
    merged = post(use_dilation=True)({"maps": split[None, None]})[0]["points"]
    assert len(merged) == 1 and merged[0][:, 0].min() < 10 and merged[0][:, 0].max() > 80


def test_rotated_box_is_clockwise_from_top_left():
    prob = blank(200, 200)
    pts = cv2.boxPoints(((100, 100), (120, 30), 30)).astype(np.int32)
    cv2.fillPoly(prob, [pts], 0.9)
    box = post()({"maps": prob[None, None]})[0]["points"][0].astype(float)
    xs = box[:, 0]
    assert set(np.argsort(xs)[:2]) == {0, 3} and box[0, 1] < box[3, 1] and box[1, 1] < box[2, 1]
    (ax, ay), (bx, by) = box[1] - box[0], box[2] - box[1]
    cross = ax * by - ay * bx
    assert cross > 0  # clockwise in image coordinates (y down)


def test_poly_mode_and_batch_and_errors():
    prob = np.stack([rect(blank(), 30, 20, 89, 39), blank()])
    out = post(box_type="poly", unclip_ratio=1.5)({"maps": prob[:, None]})
    assert len(out) == 2 and len(out[1]["points"]) == 0 and len(out[1]["scores"]) == 0
    (poly,) = out[0]["points"]
    assert Polygon(poly).contains(Polygon([[30, 20], [89, 20], [89, 39], [30, 39]]))
    with pytest.raises(ConfigError, match="score_mode"):
        post(score_mode="mean")
    with pytest.raises(ConfigError, match="box_type"):
        post(box_type="rect")


# --- independent reference, written from the documented algorithm ---------------------------------

def ref_boxes(prob, thresh, box_thresh, max_candidates, ratio, dilate, slow, src_h, src_w):
    h, w = prob.shape
    bitmap = (prob > thresh).astype(np.uint8)
    if dilate:
        bitmap = cv2.dilate(bitmap, np.ones((2, 2), np.uint8))
    contours = cv2.findContours(bitmap * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0][:max_candidates]

    def rectangle(points):
        r = cv2.minAreaRect(points)
        c = sorted(list(cv2.boxPoints(r)), key=lambda p: p[0])
        left = [c[0], c[1]] if c[1][1] > c[0][1] else [c[1], c[0]]
        right = [c[2], c[3]] if c[3][1] > c[2][1] else [c[3], c[2]]
        return np.array([left[0], right[0], right[1], left[1]]), min(r[1])

    def score(points):
        x0, x1 = (int(np.clip(f(points[:, 0]), 0, w - 1)) for f in (lambda v: np.floor(v.min()), lambda v: np.ceil(v.max())))
        y0, y1 = (int(np.clip(f(points[:, 1]), 0, h - 1)) for f in (lambda v: np.floor(v.min()), lambda v: np.ceil(v.max())))
        mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), np.uint8)
        cv2.fillPoly(mask, [(points - [x0, y0]).astype(np.int32)], 1)
        return cv2.mean(prob[y0:y1 + 1, x0:x1 + 1], mask)[0]

    boxes, scores = [], []
    for c in contours:
        quad, side = rectangle(c)
        if side < 3:
            continue
        s = score(c.reshape(-1, 2)) if slow else score(quad)
        if s < box_thresh:
            continue
        shape = Polygon(quad)
        pco = pyclipper.PyclipperOffset()
        pco.AddPath(quad, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
        grown = np.array(pco.Execute(shape.area * ratio / shape.length)).reshape(-1, 1, 2)
        quad, side = rectangle(grown)
        if side < 5:
            continue
        quad[:, 0] = np.clip(np.round(quad[:, 0] / w * src_w), 0, src_w)
        quad[:, 1] = np.clip(np.round(quad[:, 1] / h * src_h), 0, src_h)
        boxes.append(quad.astype(np.int16))
        scores.append(s)
    return np.array(boxes, np.int16).reshape(-1, 4, 2), np.array(scores)


@pytest.mark.parametrize("seed", range(4))
def test_matches_reference_on_random_maps(seed):
    rng = np.random.default_rng(seed)
    prob = cv2.GaussianBlur(rng.uniform(0, 1, (96, 128)).astype(np.float32), (0, 0), 3)
    prob = (prob - prob.min()) / (prob.max() - prob.min())
    for _ in range(6):  # a few rotated "text" blobs on top of the noise
        pts = cv2.boxPoints(((rng.uniform(10, 118), rng.uniform(10, 86)), (rng.uniform(8, 50), rng.uniform(4, 14)),
                             rng.uniform(0, 180))).astype(np.int32)
        cv2.fillPoly(prob, [pts], float(rng.uniform(0.5, 1)))
    for dilate, slow in ((False, False), (True, True)):
        args = dict(thresh=0.45, box_thresh=0.5, max_candidates=1000, unclip_ratio=1.5)
        out = post(**args, use_dilation=dilate, score_mode="slow" if slow else "fast")(
            {"maps": prob[None, None]}, {"shape": np.array([[250, 300, 2.6, 2.3]])})[0]
        boxes, scores = ref_boxes(prob, 0.45, 0.5, 1000, 1.5, dilate, slow, 250, 300)
        assert len(boxes) > 0
        np.testing.assert_array_equal(out["points"], boxes)
        np.testing.assert_allclose(out["scores"], scores, rtol=1e-12)


def test_low_precision_tensors_give_the_same_boxes():
    prob = rect(blank(), 30, 20, 89, 39)[None, None]
    expect = post()({"maps": prob})[0]["points"]
    got = post()({"maps": paddle.to_tensor(prob).astype("bfloat16")})[0]["points"]
    np.testing.assert_array_equal(got, expect)

"""DB label maps (MakeBorderMap, MakeShrinkMap): PaddleOCR 2.7's golden outputs and a brute-force
reference of the documented threshold-map algorithm."""

import cv2
import numpy as np
import pyclipper
import pytest
from shapely.geometry import Polygon

from ppocr.data.transforms.make_border_map import MakeBorderMap
from ppocr.data.transforms.make_shrink_map import MakeShrinkMap

RTOL = 1e-5
# OpenCV 4.8-4.10 (the golden's) fill a polygon's right edge at half pixels; 4.11 restored the
# older rule (opencv PR #26187). Elsewhere the fill masks may differ on boundary pixels only.
GOLDEN_FILL = (4, 8) <= tuple(int(v) for v in cv2.__version__.split(".")[:2]) <= (4, 10)


def golden_files(shared):
    files = sorted((shared / "reference" / "golden").glob("det_maps_*.npz"))
    assert files, "no det_maps_*.npz golden files"
    return files


def make_maps(polys, tags, h, w):
    data = {"image": np.zeros((h, w, 3), np.uint8), "polys": polys.copy(), "ignore_tags": tags.copy()}
    data = MakeBorderMap(shrink_ratio=0.4, thresh_min=0.3, thresh_max=0.7)(data)
    return MakeShrinkMap(shrink_ratio=0.4, min_text_size=8)(data)


def assert_fill_matches(ours, golden, name):
    if GOLDEN_FILL:
        np.testing.assert_array_equal(ours, golden, err_msg=name)
        return
    diff = ours != golden
    kernel = np.ones((3, 3), np.uint8)
    edge = cv2.dilate(golden.astype(np.uint8), kernel) != cv2.erode(golden.astype(np.uint8), kernel)
    assert not (diff & ~edge).any(), f"{name}: differences away from the fill's boundary"
    assert diff.sum() <= 0.002 * diff.size, f"{name}: {diff.sum()} boundary pixels differ"


@pytest.mark.shared
def test_maps_match_paddleocr_golden(shared):
    for path in golden_files(shared):
        z = np.load(path)
        h, w = (int(v) for v in z["image_hw"])
        out = make_maps(z["polys"], z["ignore_tags"], h, w)
        for key in ("threshold_map", "threshold_mask", "shrink_map", "shrink_mask"):
            assert out[key].dtype == np.float32 and out[key].shape == (h, w), key
        np.testing.assert_allclose(out["threshold_map"], z["threshold_map"], rtol=RTOL, atol=0,
                                   err_msg=path.name)
        np.testing.assert_array_equal(out["shrink_mask"], z["shrink_mask"], err_msg=path.name)
        np.testing.assert_array_equal(out["ignore_tags"], z["ignore_tags_after"], err_msg=path.name)
        assert_fill_matches(out["threshold_mask"], z["threshold_mask"], f"{path.name} threshold_mask")
        assert_fill_matches(out["shrink_map"], z["shrink_map"], f"{path.name} shrink_map")


# --- brute-force reference of the documented algorithm (per edge, law-of-cosines form) -------------

def reference_border(polys, tags, h, w, r=0.4):
    canvas = np.zeros((h, w), np.float32)
    for poly, tag in zip(polys, tags):
        shape = Polygon(poly)
        if tag or shape.area <= 0:
            continue
        dist = shape.area * (1 - r * r) / shape.length
        pco = pyclipper.PyclipperOffset()
        pco.AddPath(poly, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
        padded = np.array(pco.Execute(dist)[0])
        x0, y0 = padded.min(axis=0)
        x1, y1 = padded.max(axis=0)
        rel = (poly - np.array([x0, y0])).astype(np.float32)
        ys, xs = np.mgrid[0:y1 - y0 + 1, 0:x1 - x0 + 1].astype(np.float64)
        per_edge = []
        for i in range(len(rel)):
            a, b = rel[i], rel[(i + 1) % len(rel)]
            d1 = (xs - a[0]) ** 2 + (ys - a[1]) ** 2
            d2 = (xs - b[0]) ** 2 + (ys - b[1]) ** 2
            d = np.square(a[0] - b[0]) + np.square(a[1] - b[1])  # float32, as the original
            with np.errstate(all="ignore"):
                cos = (d - d1 - d2) / (2 * np.sqrt(d1 * d2))
                res = np.sqrt(d1 * d2 * np.nan_to_num(1 - cos ** 2) / d)
            res[cos < 0] = np.sqrt(np.fmin(d1, d2))[cos < 0]
            per_edge.append(np.clip(res / dist, 0, 1).astype(np.float32))
        ramp = 1 - np.min(per_edge, axis=0)
        for (yy, xx), v in np.ndenumerate(ramp):
            Y, X = yy + y0, xx + x0
            if 0 <= Y < h and 0 <= X < w:
                canvas[Y, X] = np.fmax(v, canvas[Y, X])
    return canvas * (0.7 - 0.3) + 0.3


def random_polys(rng, n, points, integer):
    polys = []
    for _ in range(n):
        cx, cy, rad = rng.uniform(-10, 70), rng.uniform(-10, 60), rng.uniform(4, 25)
        ang = np.sort(rng.uniform(0, 2 * np.pi, points))
        pts = np.stack([cx + rad * np.cos(ang), cy + 0.5 * rad * np.sin(ang)], axis=1)
        polys.append(np.round(pts) if integer else pts)
    return np.array(polys, np.float32)


@pytest.mark.parametrize("seed", range(6))
def test_threshold_map_equals_bruteforce_reference(seed):
    rng = np.random.default_rng(seed)
    polys = random_polys(rng, 4, [4, 4, 6, 8][seed % 4], integer=seed % 2 == 0)
    if seed % 3 == 0:
        polys[0, -1] = polys[0, -2]  # repeated vertex (a padded short polygon)
    tags = np.array([False, False, True, False])
    ours = MakeBorderMap()({"image": np.zeros((60, 70, 3), np.uint8), "polys": polys, "ignore_tags": tags})
    ref = reference_border(polys, tags, 60, 70)
    np.testing.assert_allclose(ours["threshold_map"], ref, rtol=RTOL, atol=0)


def test_shrink_map_marks_small_and_ignored_text():
    polys = np.array([[[10, 10], [90, 10], [90, 40], [10, 40]],      # kept
                      [[10, 60], [90, 60], [90, 65], [10, 65]],      # 5 px high < min_text_size
                      [[10, 80], [90, 80], [90, 95], [10, 95]]],     # do-not-care
                     np.float32)
    data = {"image": np.zeros((100, 100, 3), np.uint8), "polys": polys,
            "ignore_tags": np.array([False, False, True])}
    out = MakeShrinkMap()(MakeBorderMap()(data))
    np.testing.assert_array_equal(out["ignore_tags"], [False, True, True])
    assert out["shrink_map"][25, 50] == 1 and out["shrink_map"][11, 11] == 0  # shrunk kernel
    assert out["shrink_mask"][62, 50] == 0 and out["shrink_mask"][88, 50] == 0
    assert out["shrink_mask"][25, 50] == 1
    assert out["threshold_mask"][25, 50] == 1 and out["threshold_mask"][62, 50] == 1
    assert out["threshold_mask"][88, 50] == 0  # do-not-care: no border
    assert out["threshold_map"].min() >= 0.3 - 1e-6 and out["threshold_map"].max() <= 0.7 + 1e-6
    assert out["threshold_map"][10, 50] == pytest.approx(0.7)  # on the edge


def test_maps_without_polygons_and_outside_polygons():
    data = {"image": np.zeros((32, 48, 3), np.uint8), "polys": np.zeros((0, 4, 2), np.float32),
            "ignore_tags": np.zeros(0, bool)}
    out = MakeShrinkMap()(MakeBorderMap()(data))
    assert (out["threshold_map"] == np.float32(0.3)).all() and not out["threshold_mask"].any()
    assert not out["shrink_map"].any() and out["shrink_mask"].all()
    far = np.array([[[100, 100], [140, 100], [140, 130], [100, 130]]], np.float32)
    out = MakeBorderMap()({"image": np.zeros((32, 48, 3), np.uint8), "polys": far,
                           "ignore_tags": np.array([False])})
    assert (out["threshold_map"] == np.float32(0.3)).all()

"""DetMetric: the ICDAR 2015 protocol on hand-made boxes."""

import cv2
import numpy as np
import paddle
import pytest

import ppocr.metrics  # noqa: F401  (registers the metrics)
from ppocr.errors import DataError
from ppocr.registry import METRICS


def box(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def metric():
    return METRICS.build({"name": "DetMetric"}, "Metric")


def run(gt, ignore, det):
    m = metric()
    m.update([{"points": np.array(det, np.float32).reshape(-1, 4, 2)}],
             {"polys": [np.array(gt, np.float32)], "ignore_tags": [np.array(ignore, bool)]})
    return m


def test_perfect_match():
    gt = [box(0, 0, 100, 20), box(0, 40, 80, 60)]
    m = run(gt, [False, False], gt[::-1])
    assert m.compute() == {"precision": 1.0, "recall": 1.0, "hmean": 1.0}
    assert m.main_indicator == "hmean"


def test_shifted_boxes_match_only_above_half_iou():
    gt = [box(0, 0, 100, 20)]
    # IoU 70/130 = 0.54 -> matched; IoU 60/140 = 0.43 -> not
    assert run(gt, [False], [box(30, 0, 130, 20)]).compute()["hmean"] == 1.0
    m = run(gt, [False], [box(40, 0, 140, 20)])
    assert m.compute() == {"precision": 0.0, "recall": 0.0, "hmean": 0.0}
    assert m.sums == {"matched": 0.0, "num_gt_care": 1.0, "num_det_care": 1.0}
    # exactly 0.5 is not enough (strict >)
    assert run(gt, [False], [box(0, 0, 50, 20)]).compute()["recall"] == 0.0


def test_matching_is_one_to_one():
    gt = [box(0, 0, 100, 20)]
    m = run(gt, [False], [box(0, 0, 100, 20), box(2, 0, 100, 20)])
    assert m.sums == {"matched": 1.0, "num_gt_care": 1.0, "num_det_care": 2.0}
    assert m.compute()["precision"] == 0.5 and m.compute()["recall"] == 1.0


def test_do_not_care_regions():
    gt = [box(0, 0, 100, 20), box(0, 50, 100, 70)]
    # the second detection lies mostly (> 50 % of its area) in the do-not-care box: ignored
    m = run(gt, [False, True], [box(0, 0, 100, 20), box(10, 52, 60, 80)])
    assert m.sums == {"matched": 1.0, "num_gt_care": 1.0, "num_det_care": 1.0}
    # one that is mostly outside it counts as a false positive
    m = run(gt, [False, True], [box(0, 0, 100, 20), box(10, 65, 60, 100)])
    assert m.sums == {"matched": 1.0, "num_gt_care": 1.0, "num_det_care": 2.0}


def test_invalid_polygons_are_skipped():
    bow_tie = [[0, 0], [10, 10], [10, 0], [0, 10]]
    m = run([box(0, 0, 10, 10), bow_tie], [False, False], [bow_tie, box(0, 0, 10, 10)])
    assert m.sums == {"matched": 1.0, "num_gt_care": 1.0, "num_det_care": 1.0}


def test_no_ground_truth_or_no_detections():
    m = run([], [], [box(0, 0, 10, 10)])
    assert m.compute() == {"precision": 0.0, "recall": 0.0, "hmean": 0.0}
    m = run([box(0, 0, 10, 10)], [False], np.zeros((0, 4, 2)))
    assert m.sums["num_gt_care"] == 1 and m.compute()["recall"] == 0.0


def halves():
    rng = np.random.default_rng(0)
    images = []
    for _ in range(6):
        gts = [box(x, y, x + 60, y + 15) for x, y in rng.integers(0, 300, (4, 2))]
        tags = rng.uniform(size=4) < 0.25
        dets = [np.array(g) + rng.integers(-12, 12, 2) for g in gts[:3]] + [box(500, 500, 540, 520)]
        images.append((np.array(gts, np.float32), tags, np.array(dets, np.float32)))
    return images


def test_two_halves_merge_to_the_whole():
    images = halves()
    whole = metric()
    parts = [metric(), metric()]
    for i, (gt, tags, det) in enumerate(images):
        pred = [{"points": det}]
        batch = {"polys": gt[None], "ignore_tags": tags[None]}  # batched arrays (N, K, 4, 2)
        whole.update(pred, batch)
        parts[i % 2].update(pred, batch)
    merged = metric()
    merged.merge([dict(p.sums) for p in parts])
    assert merged.sums == whole.sums
    assert merged.compute() == pytest.approx(whole.compute())
    assert 0 < whole.compute()["hmean"] < 1


def test_accepts_tensors_and_checks_the_batch():
    gt = np.array([box(0, 0, 100, 20)], np.float32)
    m = metric()
    m.update([{"points": gt.astype(np.int16)}], {"polys": paddle.to_tensor(gt[None]),
                                                 "ignore_tags": paddle.to_tensor(np.array([[False]]))})
    assert m.compute()["hmean"] == 1.0
    with pytest.raises(DataError, match="ignore_tags"):
        m.update([{"points": gt}], {"polys": [gt]})
    with pytest.raises(DataError, match="2 images"):
        m.update([{"points": gt}], {"polys": [gt, gt], "ignore_tags": [[False], [False]]})


def test_post_processed_boxes_match_the_labels_they_were_drawn_from():
    """Round trip: labels filled into a probability map, DBPostProcess with almost no unclip gives
    the same boxes back (in the source image's pixels), and the metric matches them one to one."""
    import ppocr.postprocess  # noqa: F401  (registers the post-processors)
    from ppocr.registry import POSTPROCESS

    rng = np.random.default_rng(3)
    gts = np.array([box(x, 20 + 75 * row, x + w, 20 + 75 * row + h) for row, (x, w, h) in enumerate(
        zip(rng.integers(10, 200, 8), rng.integers(80, 400, 8), rng.integers(16, 50, 8)))], np.float32)
    prob = np.zeros((640, 640), np.float32)
    for g in gts:
        cv2.fillPoly(prob, [g.astype(np.int32)], 0.9)
    post = POSTPROCESS.build({"name": "DBPostProcess", "unclip_ratio": 0.01}, "PostProcess")
    preds = post({"maps": cv2.resize(prob, (320, 320))[None, None]}, {"shape": np.array([[640, 640, 0.5, 0.5]])})
    m = metric()
    m.update(preds, {"polys": [gts], "ignore_tags": [np.zeros(8, bool)]})
    assert m.compute() == {"precision": 1.0, "recall": 1.0, "hmean": 1.0}
    found = preds[0]["points"][np.argsort(preds[0]["points"][:, 0, 1])]
    assert np.abs(found - gts).max() <= 3  # half resolution: a pixel there is two here

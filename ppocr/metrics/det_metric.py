"""DetMetric: precision, recall and hmean of text detection (ICDAR 2015 protocol, as PaddleOCR's
DetectionIoUEvaluator).

Per image: ground-truth and detected polygons that are not valid simple polygons are dropped.
A detection is do-not-care when more than ``area_precision_constraint`` of its area lies in one
do-not-care ground truth. Then, in ground-truth order and for each in detection order, a cared-for
pair whose IoU exceeds ``iou_constraint`` is matched, each polygon at most once (greedy one-to-one).
The sums ``matched``, ``num_gt_care`` and ``num_det_care`` add up over images (and ranks);
precision = matched / num_det_care, recall = matched / num_gt_care (0 when the count is 0).
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Polygon

from ppocr.errors import DataError
from ppocr.metrics.base import Metric
from ppocr.registry import METRICS
from ppocr.utils.tensor import to_numpy


def valid_polygons(polys) -> tuple[list[int], np.ndarray]:
    """(indices, shapely polygons) of the valid, simple polygons among ``polys``."""
    keep, shapes = [], []
    for i, pts in enumerate(polys):
        pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
        if len(pts) < 3:
            continue
        shape = Polygon(pts)
        if shape.is_valid and shape.is_simple:
            keep.append(i)
            shapes.append(shape)
    return keep, np.array(shapes, dtype=object)


def overlapping_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) whose bounding boxes intersect."""
    ba, bb = shapely.bounds(a).reshape(-1, 4), shapely.bounds(b).reshape(-1, 4)
    hit = ((ba[:, None, 0] <= bb[None, :, 2]) & (bb[None, :, 0] <= ba[:, None, 2])
           & (ba[:, None, 1] <= bb[None, :, 3]) & (bb[None, :, 1] <= ba[:, None, 3]))
    return np.nonzero(hit)


def evaluate_image(gt_polys, gt_ignore, det_polys, iou_constraint: float = 0.5,
                   area_precision_constraint: float = 0.5) -> tuple[int, int, int]:
    """(matched, cared-for ground truths, cared-for detections) of one image."""
    gt_keep, gts = valid_polygons(gt_polys)
    _, dets = valid_polygons(det_polys)
    gt_dont_care = np.array([bool(gt_ignore[i]) for i in gt_keep], dtype=bool)
    det_dont_care = np.zeros(len(dets), dtype=bool)
    iou = np.zeros((len(gts), len(dets)))
    if len(gts) and len(dets):
        gi, di = overlapping_pairs(gts, dets)
        inter = shapely.area(shapely.intersection(gts[gi], dets[di]))
        det_area = shapely.area(dets)
        for g, d, area in zip(gi, di, inter):  # do-not-care detections, in ground-truth order
            if gt_dont_care[g] and det_area[d] > 0 and area / det_area[d] > area_precision_constraint:
                det_dont_care[d] = True
        hit = inter > 0
        union = shapely.area(shapely.union(gts[gi[hit]], dets[di[hit]]))
        iou[gi[hit], di[hit]] = inter[hit] / union
    matched = 0
    gt_used = gt_dont_care.copy()
    det_used = det_dont_care.copy()
    for g in range(len(gts)):
        for d in range(len(dets)):
            if not gt_used[g] and not det_used[d] and iou[g, d] > iou_constraint:
                gt_used[g] = det_used[d] = True
                matched += 1
    return matched, int((~gt_dont_care).sum()), int((~det_dont_care).sum())


def _per_image(value, n: int, key: str) -> list:
    value = to_numpy(value)
    items = list(value) if isinstance(value, (list, tuple)) else list(np.asarray(value))
    if len(items) != n:
        raise DataError(f"DetMetric: batch['{key}'] has {len(items)} images, the predictions {n}")
    return [np.asarray(to_numpy(v)) for v in items]


@METRICS.register
class DetMetric(Metric):
    main_indicator = "hmean"

    def __init__(self, main_indicator: str = "hmean", iou_constraint: float = 0.5,
                 area_precision_constraint: float = 0.5):
        self.iou_constraint = iou_constraint
        self.area_precision_constraint = area_precision_constraint
        super().__init__(main_indicator)

    def update(self, preds, batch: dict) -> None:
        for key in ("polys", "ignore_tags"):
            if batch.get(key) is None:
                raise DataError(f"DetMetric: the batch has no '{key}' (DetLabelEncode makes it and "
                                f"KeepKeys must keep it); batch keys: {sorted(batch)}")
        polys = _per_image(batch["polys"], len(preds), "polys")
        tags = _per_image(batch["ignore_tags"], len(preds), "ignore_tags")
        for pred, gt, ignore in zip(preds, polys, tags):
            matched, gt_care, det_care = evaluate_image(
                gt.reshape(len(gt), -1, 2) if gt.size else [], ignore.reshape(-1), pred["points"],
                self.iou_constraint, self.area_precision_constraint)
            self.add(matched=matched, num_gt_care=gt_care, num_det_care=det_care)

    def compute(self) -> dict[str, float]:
        matched = self.sums.get("matched", 0.0)
        gt_care, det_care = self.sums.get("num_gt_care", 0.0), self.sums.get("num_det_care", 0.0)
        recall = matched / gt_care if gt_care else 0.0
        precision = matched / det_care if det_care else 0.0
        hmean = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "hmean": hmean}

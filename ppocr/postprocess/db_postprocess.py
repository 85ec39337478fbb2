"""DBPostProcess: DB probability map -> text boxes in source-image pixels (PaddleOCR's algorithm).

Per image: binarize the probability map at ``thresh`` (optionally dilated by a 2x2 kernel), find the
outer contours of the binary map (OpenCV, list mode, simple chain), and for the first
``max_candidates`` contours:
- ``quad``: take the minimum-area rectangle; drop it when its short side is below ``min_size`` (3);
  score it by the mean probability inside the rectangle (``fast``) or inside the contour (``slow``)
  and drop it below ``box_thresh``; expand it by D = area * unclip_ratio / perimeter (pyclipper,
  round joins), take the new minimum-area rectangle and drop it when its short side is below
  min_size + 2;
- ``poly``: simplify the contour (Douglas-Peucker, epsilon 0.002 of its length), need >= 4
  points, score it as ``fast``, expand it as above (dropped when that splits it), drop it when the
  rectangle around it has a short side below min_size + 2.
Points are then scaled from the map's size to the source size (``batch['shape']`` rows
[src_h, src_w, ratio_h, ratio_w]; the map's own size without a batch), rounded and clipped to
[0, src_w] x [0, src_h]. Rectangles are ordered clockwise from the top-left corner.
Result per image: ``{"points": int16 (K, 4, 2)`` (``poly``: a list of (Ki, 2) arrays)``,
"scores": float64 (K,)}``.
"""

from __future__ import annotations

import cv2
import numpy as np
import paddle
from shapely.geometry import Polygon

from ppocr.data.transforms.det_polys import offset_polygon
from ppocr.errors import ConfigError, DataError
from ppocr.registry import POSTPROCESS
from ppocr.utils.tensor import to_numpy

MIN_SIZE = 3


def mini_box(contour: np.ndarray) -> tuple[np.ndarray, float]:
    """Minimum-area rectangle of the points: (4, 2) float32 ordered top-left, top-right,
    bottom-right, bottom-left (the two leftmost corners by x, the upper one first), and its
    shorter side."""
    rect = cv2.minAreaRect(np.asarray(contour).reshape(-1, 1, 2))
    pts = cv2.boxPoints(rect)
    pts = pts[np.argsort(pts[:, 0], kind="stable")]
    top_left, bottom_left = (pts[0], pts[1]) if pts[1][1] > pts[0][1] else (pts[1], pts[0])
    top_right, bottom_right = (pts[2], pts[3]) if pts[3][1] > pts[2][1] else (pts[3], pts[2])
    return np.array([top_left, top_right, bottom_right, bottom_left]), min(rect[1])


def unclip(points: np.ndarray, ratio: float) -> list:
    """The polygon grown by area * ratio / perimeter (pyclipper paths, integer points)."""
    shape = Polygon(points)
    return offset_polygon(points, shape.area * ratio / shape.length)


def mean_score(prob: np.ndarray, points: np.ndarray) -> float:
    """Mean of ``prob`` over the polygon ``points`` (filled after truncation to integers),
    computed on the polygon's bounding box."""
    h, w = prob.shape
    xmin = int(np.clip(np.floor(points[:, 0].min()), 0, w - 1))
    xmax = int(np.clip(np.ceil(points[:, 0].max()), 0, w - 1))
    ymin = int(np.clip(np.floor(points[:, 1].min()), 0, h - 1))
    ymax = int(np.clip(np.ceil(points[:, 1].max()), 0, h - 1))
    mask = np.zeros((ymax - ymin + 1, xmax - xmin + 1), dtype=np.uint8)
    shifted = (points - np.array([xmin, ymin], dtype=points.dtype)).astype(np.int32)
    cv2.fillPoly(mask, shifted.reshape(1, -1, 2), 1)
    return cv2.mean(prob[ymin:ymax + 1, xmin:xmax + 1], mask)[0]


def to_source(points: np.ndarray, map_w: int, map_h: int, src_w: float, src_h: float) -> np.ndarray:
    """Map points from the map's pixels to the source image's, rounded and clipped to it. The
    division keeps the points' precision (float32 corners, as PaddleOCR), the product is float64."""
    out = np.empty(points.shape, dtype=np.float64)
    out[:, 0] = np.clip(np.round((points[:, 0] / map_w) * np.float64(src_w)), 0, src_w)
    out[:, 1] = np.clip(np.round((points[:, 1] / map_h) * np.float64(src_h)), 0, src_h)
    return out


@POSTPROCESS.register
class DBPostProcess:
    def __init__(self, thresh: float = 0.3, box_thresh: float = 0.7, max_candidates: int = 1000,
                 unclip_ratio: float = 2.0, use_dilation: bool = False, score_mode: str = "fast",
                 box_type: str = "quad"):
        if score_mode not in ("fast", "slow"):
            raise ConfigError(f"DBPostProcess.score_mode: expected fast or slow, got {score_mode!r}")
        if box_type not in ("quad", "poly"):
            raise ConfigError(f"DBPostProcess.box_type: expected quad or poly, got {box_type!r}")
        if not isinstance(max_candidates, int) or max_candidates < 0:
            raise ConfigError(f"DBPostProcess.max_candidates: expected an int >= 0, got {max_candidates!r}")
        if unclip_ratio <= 0:
            raise ConfigError(f"DBPostProcess.unclip_ratio: expected > 0, got {unclip_ratio!r}")
        self.thresh, self.box_thresh = thresh, box_thresh
        self.max_candidates, self.unclip_ratio = max_candidates, unclip_ratio
        self.score_mode, self.box_type = score_mode, box_type
        self.dilation_kernel = np.ones((2, 2), dtype=np.uint8) if use_dilation else None

    def contours(self, bitmap: np.ndarray) -> list:
        found = cv2.findContours((bitmap * 255).astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        return list(found[-2])[:self.max_candidates]

    def quads(self, prob, bitmap, src_w, src_h) -> tuple[np.ndarray, np.ndarray]:
        h, w = bitmap.shape
        boxes, scores = [], []
        for contour in self.contours(bitmap):
            points, sside = mini_box(contour)
            if sside < MIN_SIZE:
                continue
            if self.score_mode == "fast":
                score = mean_score(prob, points)
            else:
                score = mean_score(prob, contour.reshape(-1, 2))
            if self.box_thresh > score:
                continue
            grown = unclip(points, self.unclip_ratio)
            if not grown:
                continue
            box, sside = mini_box(np.array(grown).reshape(-1, 1, 2))
            if sside < MIN_SIZE + 2:
                continue
            boxes.append(to_source(box, w, h, src_w, src_h).astype(np.int16))
            scores.append(score)
        return np.array(boxes, dtype=np.int16).reshape(-1, 4, 2), np.array(scores, dtype=np.float64)

    def polys(self, prob, bitmap, src_w, src_h) -> tuple[list, np.ndarray]:
        h, w = bitmap.shape
        boxes, scores = [], []
        for contour in self.contours(bitmap):
            epsilon = 0.002 * cv2.arcLength(contour, True)
            points = cv2.approxPolyDP(contour, epsilon, True).reshape(-1, 2)
            if len(points) < 4:
                continue
            score = mean_score(prob, points)
            if self.box_thresh > score:
                continue
            grown = unclip(points, self.unclip_ratio)
            if len(grown) != 1:
                continue
            box = np.array(grown[0]).reshape(-1, 2)
            if mini_box(box.reshape(-1, 1, 2))[1] < MIN_SIZE + 2:
                continue
            boxes.append(to_source(box, w, h, src_w, src_h).astype(np.int64))
            scores.append(score)
        return boxes, np.array(scores, dtype=np.float64)

    def __call__(self, outputs, batch: dict | None = None) -> list[dict]:
        maps = outputs["maps"] if isinstance(outputs, dict) else outputs
        if isinstance(maps, paddle.Tensor) and maps.dtype != paddle.float32:
            maps = maps.astype("float32")  # bfloat16 has no numpy twin
        pred = np.asarray(to_numpy(maps), dtype=np.float32)
        if pred.ndim == 4:
            pred = pred[:, 0]
        if pred.ndim != 3:
            raise DataError(f"DBPostProcess: expected maps of shape (N, C, H, W) or (N, H, W), got {pred.shape}")
        n, h, w = pred.shape
        shapes = batch.get("shape") if isinstance(batch, dict) else None
        shapes = np.asarray(to_numpy(shapes), dtype=np.float64).reshape(-1, 4) if shapes is not None \
            else np.tile([h, w, 1.0, 1.0], (n, 1))
        if len(shapes) != n:
            raise DataError(f"DBPostProcess: {len(shapes)} rows in batch['shape'] for {n} maps")
        segmentation = pred > self.thresh
        results = []
        for i in range(n):
            bitmap = segmentation[i].astype(np.uint8)
            if self.dilation_kernel is not None:
                bitmap = cv2.dilate(bitmap, self.dilation_kernel)
            src_h, src_w = shapes[i][0], shapes[i][1]
            find = self.quads if self.box_type == "quad" else self.polys
            points, scores = find(pred[i], bitmap, src_w, src_h)
            results.append({"points": points, "scores": scores})
        return results

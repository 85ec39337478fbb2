"""Box geometry of the OCR system: tidy detected quads, order them for reading, crop them upright.

PaddleOCR's rules (tools/infer/predict_det.py and predict_system.py of 2.x):
- ``tidy_boxes``: each quad ordered clockwise from the top-left (the two leftmost corners by x,
  the upper one first), clipped to [0, w-1] x [0, h-1] with its coordinates truncated to integers,
  and dropped when its top edge or left edge is 3 px or shorter;
- ``reading_order``: sorted by (y, x) of the first corner, then a box moves left past neighbours
  whose first corner lies less than 10 px higher or lower and further right;
- ``crop_box``: a perspective warp of the quad to a w x h rectangle (w, h: the longer of the two
  opposite edges, truncated), cubic interpolation, border replicated; turned 90 degrees
  anticlockwise when h / w >= 1.5 (vertical text read as a line).
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_SIDE = 3        # a box with a side of this many pixels or fewer is no text line
SAME_LINE_PX = 10   # first corners closer than this in y are on one line
VERTICAL_RATIO = 1.5


def order_clockwise(quad: np.ndarray) -> np.ndarray:
    """(4, 2) -> float32 (4, 2): top-left, top-right, bottom-right, bottom-left."""
    pts = np.asarray(quad, dtype=np.float32).reshape(4, 2)
    by_x = pts[np.argsort(pts[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)


def tidy_boxes(quads, height: int, width: int) -> np.ndarray:
    """Detected quads -> float32 (K, 4, 2) ordered, clipped, with the slivers dropped."""
    kept = []
    for quad in quads:
        box = order_clockwise(quad)
        box[:, 0] = np.trunc(np.clip(box[:, 0], 0, width - 1))
        box[:, 1] = np.trunc(np.clip(box[:, 1], 0, height - 1))
        if int(np.linalg.norm(box[0] - box[1])) <= MIN_SIDE or int(np.linalg.norm(box[0] - box[3])) <= MIN_SIDE:
            continue
        kept.append(box)
    return np.array(kept, dtype=np.float32).reshape(-1, 4, 2)


def reading_order(boxes) -> list[int]:
    """Indices of ``boxes`` ((K, 4, 2)) top to bottom, then left to right within a line."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4, 2)
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i, 0, 1], boxes[i, 0, 0]))
    for i in range(len(order) - 1):
        j = i
        while j >= 0:
            upper, lower = boxes[order[j], 0], boxes[order[j + 1], 0]
            if abs(lower[1] - upper[1]) < SAME_LINE_PX and lower[0] < upper[0]:
                order[j], order[j + 1] = order[j + 1], order[j]
                j -= 1
            else:
                break
    return order


def crop_box(image: np.ndarray, quad) -> np.ndarray:
    """The quad's content warped to an upright rectangle (see the module docstring)."""
    pts = np.asarray(quad, dtype=np.float32).reshape(4, 2)
    w = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3])))
    h = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
    w, h = max(w, 1), max(h, 1)
    target = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(pts, target)
    crop = cv2.warpPerspective(image, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if crop.shape[0] / crop.shape[1] >= VERTICAL_RATIO:
        crop = np.ascontiguousarray(np.rot90(crop))
    return crop

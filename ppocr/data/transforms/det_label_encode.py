"""DetLabelEncode: a detection label (PaddleOCR's JSON) -> polygons, texts, do-not-care tags.

The label is a JSON list of ``{"transcription": str, "points": [[x, y], ...]}``. Adds ``polys``
float32 (N, P, 2), ``texts`` (list of N strings) and ``ignore_tags`` (N,) bool, True where the
transcription is ``###`` or ``*``. Polygons with fewer points than the longest one are padded by
repeating their last point, as PaddleOCR does, so that all share one array. An empty list drops
the sample (nothing to learn); a label that is not such a list, or a polygon with fewer than three
numeric points, is a bad sample.
"""

from __future__ import annotations

import json
import math

import numpy as np

from ppocr.data.transforms.base import BadSample
from ppocr.registry import TRANSFORMS

DO_NOT_CARE = ("###", "*")


def _points(box, n: int) -> list[list[float]]:
    if not isinstance(box, dict) or "points" not in box or "transcription" not in box:
        raise BadSample(f"detection label: box {n} is not an object with 'points' and 'transcription': "
                        f"{str(box)[:80]}")
    raw = box["points"]
    if not isinstance(raw, list) or len(raw) < 3 or not all(
            isinstance(p, (list, tuple)) and len(p) == 2 for p in raw):
        raise BadSample(f"detection label: box {n} needs a list of at least 3 [x, y] points, got "
                        f"{str(raw)[:80]}")
    try:
        pts = [[float(x), float(y)] for x, y in raw]
    except (TypeError, ValueError):
        raise BadSample(f"detection label: box {n} has non-numeric points: {str(raw)[:80]}") from None
    if not all(math.isfinite(v) for p in pts for v in p):
        raise BadSample(f"detection label: box {n} has non-finite coordinates")
    return pts


@TRANSFORMS.register
class DetLabelEncode:
    training_only = True  # training targets or augmentation: not run at inference

    def __call__(self, data: dict) -> dict | None:
        try:
            boxes = json.loads(data["label"])
        except (TypeError, ValueError) as e:
            raise BadSample(f"detection label is not valid JSON ({e}): {str(data['label'])[:80]}") from None
        if not isinstance(boxes, list):
            raise BadSample(f"detection label must be a JSON list of boxes, got {type(boxes).__name__}")
        if not boxes:
            return None
        polys = [_points(box, n) for n, box in enumerate(boxes)]
        texts = [str(box["transcription"]) for box in boxes]
        longest = max(len(p) for p in polys)
        polys = [p + [p[-1]] * (longest - len(p)) for p in polys]
        data["polys"] = np.array(polys, dtype=np.float32)
        data["texts"] = texts
        data["ignore_tags"] = np.array([t in DO_NOT_CARE for t in texts], dtype=bool)
        return data

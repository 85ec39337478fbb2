"""Stand-in line models with the Predictor interface (``info``, ``model_type``, ``run``,
``preprocess``, ``postprocess_component``): each crop is a flat grey image whose grey level
``10 * i`` names it, so tests can see which crop went into which batch and where its result went."""

from __future__ import annotations

import numpy as np

from ppocr.data.transforms.resize import resize_norm_img


def crop(ident: int, h: int, w: int) -> np.ndarray:
    return np.full((h, w, 3), 10 * ident, np.uint8)


def ident_of(x: np.ndarray) -> int:
    """The grey level at the top-left of a normalised input, back to the crop's number."""
    return int(round((float(x[0, 0, 0]) + 1) * 127.5 / 10))


class StubLineModel:
    """rec: result (f"crop{i}", width of its batch); cls: the result table's entry for crop i."""

    def __init__(self, model_type: str, cls_results: dict | None = None):
        self.model_type = model_type
        self.info = {"model_type": model_type, "output": "probs", "PreProcess": []}
        self.cls_results = cls_results or {}
        self.batches: list[tuple[list[int], tuple]] = []

    def preprocess(self, image):
        return {"image": resize_norm_img(image, (3, 48, 192))[0]}

    def run(self, x: np.ndarray) -> np.ndarray:
        self.batches.append(([ident_of(s) for s in x], x.shape))
        return x

    def postprocess_component(self):
        def post(outputs, batch=None):
            x = outputs["probs"]
            if self.model_type == "rec":
                return [(f"crop{ident_of(s)}", float(x.shape[3])) for s in x]
            return [self.cls_results[ident_of(s)] for s in x]

        return post

"""ClsPostProcess: probabilities -> (label, score) per image."""

from __future__ import annotations

from ppocr.registry import POSTPROCESS
from ppocr.utils.tensor import to_numpy


@POSTPROCESS.register
class ClsPostProcess:
    def __init__(self, label_list: list | None = None, key: str | None = None):
        self.label_list = [str(v) for v in (label_list or ["0", "180"])]
        self.key = key

    def __call__(self, outputs, batch: dict | None = None) -> list[tuple[str, float]]:
        if isinstance(outputs, dict):
            outputs = outputs[self.key] if self.key else outputs.get("probs", outputs.get("logits"))
        probs = to_numpy(outputs)
        idx = probs.argmax(axis=1)
        return [(self.label_list[i], float(probs[n, i])) for n, i in enumerate(idx)]

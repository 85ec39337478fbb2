"""ClsPostProcess: probabilities -> (label, score) per image.

Labels come from ``label_list`` (``Global.label_list``); without one, ``['0', '180']`` (the direction
classifier). A model with another number of classes (TextRotNet: 4) needs its own list; a count
that does not match is an error rather than an index past the list.
"""

from __future__ import annotations

from ppocr.errors import ConfigError
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
        if probs.ndim != 2 or probs.shape[1] != len(self.label_list):
            raise ConfigError(f"ClsPostProcess: the model gives {probs.shape[1:]} class scores but "
                              f"label_list has {len(self.label_list)} labels {self.label_list}; set "
                              f"Global.label_list (e.g. ['0', '90', '180', '270'] for 4 classes)")
        idx = probs.argmax(axis=1)
        return [(self.label_list[i], float(probs[n, i])) for n, i in enumerate(idx)]

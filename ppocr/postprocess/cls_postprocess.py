"""ClsPostProcess: probabilities -> (label, score) per image.

Labels come from ``label_list`` (``Global.label_list``). Without one, a 2-class model reads
``['0', '180']`` (the direction classifier, PaddleOCR's inference default) and any other model its
class indices (``'0'``, ``'1'``, ...: PaddleOCR's training default, e.g. TextRotNet's 4 turns). A
list whose length does not match the model is an error rather than an index past the list.
"""

from __future__ import annotations

from ppocr.errors import ConfigError
from ppocr.registry import POSTPROCESS
from ppocr.utils.tensor import to_numpy


def class_labels(label_list: list | None, num_classes: int) -> list[str]:
    """The label of each class: ``label_list``, else the default described above."""
    if label_list:
        return [str(v) for v in label_list]
    return ["0", "180"] if num_classes == 2 else [str(i) for i in range(num_classes)]


@POSTPROCESS.register
class ClsPostProcess:
    def __init__(self, label_list: list | None = None, key: str | None = None):
        self.label_list = label_list
        self.key = key

    def __call__(self, outputs, batch: dict | None = None) -> list[tuple[str, float]]:
        if isinstance(outputs, dict):
            outputs = outputs[self.key] if self.key else outputs.get("probs", outputs.get("logits"))
        probs = to_numpy(outputs)
        labels = class_labels(self.label_list, probs.shape[-1])
        if probs.ndim != 2 or probs.shape[1] != len(labels):
            raise ConfigError(f"ClsPostProcess: the model gives {probs.shape[1:]} class scores but "
                              f"label_list has {len(labels)} labels {labels}; set Global.label_list "
                              f"to one label per class")
        idx = probs.argmax(axis=1)
        return [(labels[i], float(probs[n, i])) for n, i in enumerate(idx)]

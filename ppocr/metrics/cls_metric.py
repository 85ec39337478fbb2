"""ClsMetric: accuracy of the direction classifier."""

from __future__ import annotations

import numpy as np

from ppocr.metrics.base import Metric
from ppocr.registry import METRICS
from ppocr.utils.tensor import to_numpy


@METRICS.register
class ClsMetric(Metric):
    main_indicator = "acc"

    def __init__(self, main_indicator: str = "acc", label_list: list | None = None):
        self.label_list = [str(v) for v in label_list] if label_list else None
        super().__init__(main_indicator)

    def class_index(self, label: str) -> int:
        """The class a ClsPostProcess label stands for (see :func:`class_labels`: without a list,
        '0'/'180' for a 2-class model, else the index itself)."""
        if self.label_list:
            return self.label_list.index(label)
        return 1 if label == "180" else int(label)

    def update(self, preds, batch: dict) -> None:
        labels = np.asarray(to_numpy(batch["label"])).reshape(-1)
        predicted = np.array([self.class_index(p[0]) for p in preds])
        self.add(correct=int((predicted == labels).sum()), count=len(labels))

    def compute(self) -> dict[str, float]:
        count = self.sums.get("count", 0.0)
        return {"acc": self.sums.get("correct", 0.0) / count if count else 0.0, "count": int(count)}

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
        self.label_list = [str(v) for v in (label_list or ["0", "180"])]
        super().__init__(main_indicator)

    def update(self, preds, batch: dict) -> None:
        labels = np.asarray(to_numpy(batch["label"])).reshape(-1)
        predicted = np.array([self.label_list.index(p[0]) for p in preds])
        self.add(correct=int((predicted == labels).sum()), count=len(labels))

    def compute(self) -> dict[str, float]:
        count = self.sums.get("count", 0.0)
        return {"acc": self.sums.get("correct", 0.0) / count if count else 0.0, "count": count}

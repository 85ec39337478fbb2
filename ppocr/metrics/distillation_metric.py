"""DistillationMetric: a base metric computed on one sub-model's predictions (``key``)."""

from __future__ import annotations

from ppocr.metrics.base import Metric
from ppocr.registry import METRICS, accepted_args


@METRICS.register
class DistillationMetric(Metric):
    """``base_metric_name`` computed on sub-model ``key``. The base metric's own keys are listed here
    (None: the base's default) and passed on; the base checks them, so a key it does not take
    (``ignore_space`` for DetMetric) is an error naming ``Metric``. RecMetric: ``is_filter``,
    ``ignore_space``; DetMetric: ``iou_constraint``, ``area_precision_constraint``."""

    def __init__(self, base_metric_name: str, key: str = "Student", main_indicator: str | None = None,
                 is_filter: bool | None = None, ignore_space: bool | None = None,
                 iou_constraint: float | None = None, area_precision_constraint: float | None = None,
                 charset=None, label_list=None):
        where = "Metric"
        names = accepted_args(METRICS.get(base_metric_name, f"{where}.base_metric_name"))[0]
        extra = {k: v for k, v in (("charset", charset), ("label_list", label_list))
                 if k in names and v is not None}
        base_args = {k: v for k, v in (("is_filter", is_filter), ("ignore_space", ignore_space),
                                       ("iou_constraint", iou_constraint),
                                       ("area_precision_constraint", area_precision_constraint))
                     if v is not None}
        if main_indicator is not None and "main_indicator" in names:
            base_args["main_indicator"] = main_indicator
        self.base = METRICS.build_named(base_metric_name, base_args, where, **extra)
        self.key = key
        super().__init__(main_indicator or self.base.main_indicator)

    def reset(self) -> None:
        if hasattr(self, "base"):
            self.base.reset()

    @property
    def sums(self) -> dict:
        return self.base.sums

    @sums.setter
    def sums(self, value: dict) -> None:
        if hasattr(self, "base"):
            self.base.sums = value

    def update(self, preds, batch: dict) -> None:
        self.base.update(preds[self.key] if isinstance(preds, dict) else preds, batch)

    def merge(self, all_sums) -> None:
        self.base.merge(all_sums)

    def compute(self) -> dict:
        return self.base.compute()

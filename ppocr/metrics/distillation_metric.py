"""DistillationMetric: a base metric computed on one sub-model's predictions (``key``)."""

from __future__ import annotations

from ppocr.metrics.base import Metric
from ppocr.registry import METRICS, accepted_args


@METRICS.register
class DistillationMetric(Metric):
    """``base_metric_name`` with its own keys given alongside (``ignore_space``, ...): they are
    checked against that metric's constructor here, so a typo still fails at build time."""

    def __init__(self, base_metric_name: str, key: str = "Student", main_indicator: str | None = None,
                 charset=None, label_list=None, **base_args):
        where = "Metric"
        names = accepted_args(METRICS.get(base_metric_name, f"{where}.base_metric_name"))[0]
        extra = {k: v for k, v in (("charset", charset), ("label_list", label_list))
                 if k in names and v is not None}
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

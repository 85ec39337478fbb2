"""Metric base: sums that ranks merge by adding, then one ``compute``."""

from __future__ import annotations


class Metric:
    """Subclasses set ``main_indicator``, implement ``update`` (adding to ``self.sums``) and
    ``compute`` (reading ``self.sums``)."""

    main_indicator = ""

    def __init__(self, main_indicator: str | None = None):
        if main_indicator:
            self.main_indicator = main_indicator
        self.sums: dict[str, float] = {}
        self.reset()

    def reset(self) -> None:
        self.sums = {}

    def add(self, **values: float) -> None:
        for k, v in values.items():
            self.sums[k] = self.sums.get(k, 0.0) + float(v)

    def merge(self, all_sums: list[dict[str, float]]) -> None:
        """Replace the sums by the total over ``all_sums`` (one dict per rank)."""
        self.reset()
        for sums in all_sums:
            self.add(**sums)

    def update(self, preds, batch: dict) -> None:
        raise NotImplementedError

    def compute(self) -> dict[str, float]:
        raise NotImplementedError

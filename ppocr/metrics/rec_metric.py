"""RecMetric: line accuracy and 1 - mean normalised edit distance of recognised text.

``ignore_space`` removes spaces from both texts first; ``is_filter`` keeps only ASCII letters and
digits, lower-cased. The ground truth is ``batch['text']`` when the batch carries it, else it is
decoded from ``batch['label_ctc']`` (or ``batch['label']``) and ``batch['length']`` with the
charset. Normalised edit distance = Levenshtein distance / length of the longer text (rapidfuzz).
"""

from __future__ import annotations

import string

import numpy as np
from rapidfuzz.distance import Levenshtein

from ppocr.errors import ConfigError, DataError
from ppocr.metrics.base import Metric
from ppocr.registry import METRICS
from ppocr.utils.tensor import to_numpy

_KEEP = set(string.digits + string.ascii_letters)


@METRICS.register
class RecMetric(Metric):
    main_indicator = "acc"

    def __init__(self, charset=None, main_indicator: str = "acc", is_filter: bool = False,
                 ignore_space: bool = True):
        for key, value in (("is_filter", is_filter), ("ignore_space", ignore_space)):
            if not isinstance(value, bool):
                raise ConfigError(f"RecMetric.{key}: expected true or false, got {value!r}")
        if main_indicator not in ("acc", "norm_edit_dis"):
            raise ConfigError(f"RecMetric.main_indicator: expected acc or norm_edit_dis, got {main_indicator!r}")
        self.charset = charset
        self.is_filter = is_filter
        self.ignore_space = ignore_space
        super().__init__(main_indicator)

    def _normalize(self, text: str) -> str:
        if self.ignore_space:
            text = text.replace(" ", "")
        if self.is_filter:
            text = "".join(c for c in text if c in _KEEP).lower()
        return text

    def targets(self, batch: dict) -> list[str]:
        if batch.get("text") is not None:
            return [str(t) for t in batch["text"]]
        labels = batch.get("label_ctc", batch.get("label"))
        if labels is None or batch.get("length") is None:
            raise DataError(f"RecMetric: the batch has neither 'text' nor 'label_ctc'/'label' with "
                            f"'length' (keep them with KeepKeys); batch keys: {sorted(batch)}")
        if self.charset is None:
            raise ConfigError("RecMetric needs the recognition charset to read the labels")
        labels = np.asarray(to_numpy(labels))
        lengths = np.asarray(to_numpy(batch["length"])).reshape(-1)
        return [self.charset.decode_ctc(row[:int(n)]) for row, n in zip(labels, lengths)]

    def update(self, preds, batch: dict) -> None:
        targets = self.targets(batch)
        if len(preds) != len(targets):
            raise DataError(f"RecMetric: {len(preds)} predictions for {len(targets)} labels")
        correct = dist = 0.0
        for (pred, _score), target in zip(preds, targets):
            pred, target = self._normalize(pred), self._normalize(target)
            dist += Levenshtein.normalized_distance(pred, target)
            correct += pred == target
        self.add(correct=correct, norm_edit_dis_sum=dist, count=len(targets))

    def compute(self) -> dict[str, float]:
        count = self.sums.get("count", 0.0)
        if not count:
            return {"acc": 0.0, "norm_edit_dis": 0.0, "count": 0}
        return {"acc": self.sums.get("correct", 0.0) / count,
                "norm_edit_dis": 1.0 - self.sums.get("norm_edit_dis_sum", 0.0) / count,
                "count": int(count)}

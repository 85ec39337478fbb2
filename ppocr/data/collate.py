"""Collate a list of sample dicts into a batch dict."""

from __future__ import annotations

import numbers

import numpy as np


def collate(samples: list[dict]) -> dict:
    """Stack arrays of equal shape and numbers; keep anything else (polygons, paths) as a list."""
    batch = {}
    for key in samples[0]:
        values = [s[key] for s in samples]
        first = values[0]
        if isinstance(first, np.ndarray) and all(
                isinstance(v, np.ndarray) and v.shape == first.shape for v in values):
            batch[key] = np.stack(values)
        elif isinstance(first, (numbers.Number, np.generic)) and not isinstance(first, bool) \
                and not key.startswith("_"):
            batch[key] = np.asarray(values)
        else:
            batch[key] = values
    return batch

"""ToCHWImage and KeepKeys: the last steps before batching."""

from __future__ import annotations

import numpy as np

from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS


@TRANSFORMS.register
class ToCHWImage:
    def __call__(self, data: dict) -> dict:
        data["image"] = np.ascontiguousarray(np.asarray(data["image"]).transpose(2, 0, 1))
        return data


@TRANSFORMS.register
class KeepKeys:
    """Keep only ``keep_keys`` (the batch stays a dict keyed by name, never a positional list)."""
    training_only = True  # keeps the training keys; inference keeps its own

    def __init__(self, keep_keys: list[str]):
        self.keep_keys = list(keep_keys)

    def __call__(self, data: dict) -> dict:
        missing = [k for k in self.keep_keys if k not in data]
        if missing:
            raise ConfigError(f"KeepKeys: the transforms before it produce no {missing}; "
                              f"the sample has {sorted(data)}")
        return {k: data[k] for k in self.keep_keys}

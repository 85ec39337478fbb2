"""Small conversions shared by post-processing, metrics and tools."""

from __future__ import annotations

import numpy as np


def to_numpy(x):
    """paddle Tensor / numpy array / list -> numpy array (lists of arrays are left as lists)."""
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):
        return x.numpy()
    return x

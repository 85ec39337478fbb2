"""Run an albumentations pipeline with the per-sample seed the dataset set on numpy's RNG."""

from __future__ import annotations

import albumentations as A
import numpy as np


def seeded_call(pipeline: A.Compose, **targets):
    """Call ``pipeline`` after reseeding it from ``numpy.random`` (so results follow the sample)."""
    pipeline.set_random_seed(int(np.random.randint(0, 2**31 - 1)))
    return pipeline(**targets)

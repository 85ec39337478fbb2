"""Run an albumentations pipeline with the per-sample seed the dataset set on numpy's RNG."""

from __future__ import annotations

import random

import albumentations as A
import numpy as np


def one_stream_call(pipeline: A.Compose, **targets):
    """Call ``pipeline`` with one generator pair shared by all its nodes, seeded from ``numpy.random``
    (so results follow the sample). Each node draws after the one before it, so nodes with their own
    probability apply independently of each other, as PaddleOCR's augmentations do (albumentations'
    ``set_random_seed`` gives every node the same seed, so nodes of equal ``p`` would apply all
    together or none). It is also cheap: one Python generator seeded per call, the numpy one's state
    taken from it."""
    shared = getattr(pipeline, "_ppocr_stream", None)
    if shared is None:
        shared = pipeline._ppocr_stream = (np.random.default_rng(0), random.Random(0))
        pipeline.set_random_state(*shared)  # albumentations hands the pair to every node
    gen, py = shared
    py.seed(int(np.random.randint(0, 2**31 - 1)))
    # the numpy generator's PCG64 state and (odd) increment come from the Python one: what a
    # SeedSequence would give, without its hashing (a third of this call's cost)
    gen.bit_generator.state = {"bit_generator": "PCG64", "has_uint32": 0, "uinteger": 0,
                               "state": {"state": py.getrandbits(128), "inc": py.getrandbits(128) | 1}}
    return pipeline(**targets)

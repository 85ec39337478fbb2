"""Run an albumentations pipeline with the per-sample seed the dataset set on numpy's RNG."""

from __future__ import annotations

import random

import albumentations as A
import numpy as np
from albumentations.core.composition import BaseCompose
from albumentations.core.transforms_interface import BasicTransform


def seeded_call(pipeline: A.Compose, **targets):
    """Call ``pipeline`` after reseeding it from ``numpy.random`` (so results follow the sample)."""
    reseed(pipeline, int(np.random.randint(0, 2**31 - 1)))
    return pipeline(**targets)


def reseed(pipeline: A.Compose, seed: int) -> None:
    """What ``pipeline.set_random_seed(seed)`` does (every node's numpy Generator and Python Random
    start from ``seed``), without building two fresh generators per node per sample: the state a
    seeded pair starts from is computed once and copied into each node's own pair. The first call
    goes through albumentations, which gives each node its own pair."""
    nodes = getattr(pipeline, "_ppocr_nodes", None)
    if nodes is None:
        pipeline.set_random_seed(seed)
        pipeline._ppocr_nodes = list(_nodes(pipeline))
        return
    state = np.random.default_rng(seed).bit_generator.state
    py_state = random.Random(seed).getstate()
    for node in nodes:
        node.seed = seed
        node.random_generator.bit_generator.state = state
        node.py_random.setstate(py_state)


def _nodes(compose: BaseCompose):
    yield compose
    for t in compose.transforms:
        if isinstance(t, BaseCompose):
            yield from _nodes(t)
        elif isinstance(t, BasicTransform):
            yield t


def one_stream_call(pipeline: A.Compose, **targets):
    """Call ``pipeline`` with one generator pair shared by all its nodes, seeded from ``numpy.random``
    (so results follow the sample). Each node draws after the one before it, so nodes with their own
    probability apply independently of each other, as PaddleOCR's augmentations do; with
    :func:`seeded_call` every node starts from the same state, so nodes of equal ``p`` apply all
    together or none. It is also cheaper: two generators seeded per call instead of a state copy
    into every node."""
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

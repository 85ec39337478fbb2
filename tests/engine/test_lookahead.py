"""The trainer's read-ahead (ppocr.engine.lookahead): a main-thread loader's batches come out the same,
in order, whether the next one is read in a thread during the step or not; a DataError of a read is
raised in the trainer's thread as itself; the loader's epoch ends as without it."""

from __future__ import annotations

import random

import numpy as np
import pytest

from ppocr.data.collate import collate
from ppocr.data.loader import MainThreadLoader
from ppocr.data.sampler import EpochBatchSampler
from ppocr.engine.lookahead import Lookahead
from ppocr.errors import DataError


class Items:
    """Samples drawn from the global RNGs after seeding them per key, as the datasets do."""

    where = "Train.dataset"

    def __init__(self, n: int, broken: int = -1):
        self.n = n
        self.broken = broken

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, key):
        _, i = key
        if i == self.broken:
            raise DataError(f"sample {i} is broken")
        np.random.seed(i)
        random.seed(i)
        return {"image": np.random.rand(3, 4, 5).astype(np.float32) + random.random(), "_bad": 0}


def _loader(n=12, batch=3, broken=-1):
    return MainThreadLoader(Items(n, broken), EpochBatchSampler(n, batch, False, False), collate)


def _drain(look: Lookahead, between=None):
    out = []
    batch = look.next()
    while batch is not None:
        look.read_ahead()
        if between:
            between()  # the step: the main thread works while the next batch is read
        look.settle()
        out.append(batch["image"].numpy())
        batch = look.next()
    look.close()
    return out


def test_batches_equal_the_plain_loader():
    plain = [b["image"].numpy() for b in _loader()]
    ahead = _drain(Lookahead(_loader()), between=lambda: sum(range(20000)))
    assert len(ahead) == len(plain) == 4
    assert all(np.array_equal(a, b) for a, b in zip(ahead, plain))


def test_only_main_thread_loaders_are_read_in_a_thread():
    assert Lookahead(_loader()).threaded
    assert not Lookahead([{"image": np.zeros(1)}]).threaded


def test_a_read_error_is_raised_by_next():
    look = Lookahead(_loader(n=6, batch=3, broken=4))
    assert look.next() is not None
    look.read_ahead()
    look.settle()
    with pytest.raises(DataError, match="sample 4"):
        look.next()
    look.close()

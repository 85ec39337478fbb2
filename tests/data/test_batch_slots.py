"""Transforms writing into batch rows (ppocr.data.batch_slots): the collate takes the batch array
without a copy when every sample's value is its row, and the values equal the stacked ones in every
case where a fresh array is handed out instead."""

from __future__ import annotations

import numpy as np

from ppocr.data import batch_slots
from ppocr.data.collate import collate


class Toy:
    """Writes ``image`` via batch_slots.output (width ``wide`` for index 2 when set), a second
    request for the same key when ``twice``, and a plain array ``plain``."""

    def __init__(self, twice: bool = False, wide: bool = False):
        self.twice, self.wide = twice, wide

    def __len__(self) -> int:
        return 6

    def __getitem__(self, index) -> dict:
        index = index[1] if isinstance(index, tuple) else index  # (epoch, index) from a sampler
        w = 7 if self.wide and index == 2 else 5
        img = batch_slots.output("image", (2, w), np.float32, fill=0)
        img[0, : index + 1] = index
        if self.twice:  # the second request must not be the first's row (it is still the input)
            out = batch_slots.output("image", (2, w), np.float32)
            np.add(img, 1, out=out)
            img = out
        mask = batch_slots.output("mask", (3,), np.float32, fill=1)
        mask[index % 3] = 0
        return {"image": img, "mask": mask, "plain": np.full(2, index)}


def expected(ds, keys):
    with batch_slots.suspended():
        return collate([ds[k] for k in keys])


def test_rows_are_taken_whole_and_equal_the_stacked_batch():
    ds = Toy()
    got = batch_slots.read_batch(ds, [0, 1, 2, 3], collate)
    want = expected(ds, [0, 1, 2, 3])
    for key in ("image", "mask", "plain"):
        assert got[key].dtype == want[key].dtype and np.array_equal(got[key], want[key])
    # ran twice in the same rows (a retried sample): the fill is redone
    with batch_slots.reading(2) as slots:
        for _ in range(2):
            slots.start(0)
            first = ds[1]
        slots.start(1)
        second = ds[0]
        assert np.shares_memory(first["image"], slots.arrays["image"])
        assert batch_slots.whole("image", [first["image"], second["image"]]) is slots.arrays["image"]
        assert np.array_equal(slots.arrays["image"], expected(ds, [1, 0])["image"])


def test_fresh_arrays_where_a_row_cannot_be_used():
    for ds in (Toy(twice=True), Toy(wide=True)):
        got = batch_slots.read_batch(ds, [0, 1, 3], collate)
        want = expected(ds, [0, 1, 3])
        assert np.array_equal(got["image"], want["image"]) and np.array_equal(got["mask"], want["mask"])
    # a sample of another shape: the collate stacks nothing (lists them), as without batch rows
    got = batch_slots.read_batch(Toy(wide=True), [1, 2], collate)
    assert isinstance(got["image"], list) and [a.shape for a in got["image"]] == [(2, 5), (2, 7)]
    assert batch_slots.output("image", (2,), np.float32, fill=3).tolist() == [3, 3]  # no batch read


def test_reused_memory_is_filled():
    dirty = lambda shape, dtype: np.full(shape, 9, dtype)  # noqa: E731 - memory with old values
    got = batch_slots.read_batch(Toy(), [0, 1], collate, empty=dirty)
    assert np.array_equal(got["image"], expected(Toy(), [0, 1])["image"])


def test_recycled_memory_is_reused_once_freed_and_never_while_kept():
    import gc

    memory = batch_slots.Recycler(min_bytes=1)
    ds = Toy()
    kept = [batch_slots.read_batch(ds, [i, i + 1], collate, empty=memory) for i in range(3)]
    want = [expected(ds, [i, i + 1]) for i in range(3)]
    assert all(np.array_equal(k["image"], w["image"]) and np.array_equal(k["mask"], w["mask"])
               for k, w in zip(kept, want))
    row = kept[0]["image"][1]  # a view of a batch array keeps its memory out of the pool
    del kept
    gc.collect()
    reused = batch_slots.read_batch(ds, [4, 5], collate, empty=memory)
    assert not np.shares_memory(reused["image"], row) and memory.free  # freed ones were there to take
    assert np.array_equal(reused["image"], expected(ds, [4, 5])["image"])
    assert np.array_equal(row, want[0]["image"][1])


def test_rows_kept_in_a_list_by_a_worker_arrive_intact():
    from ppocr.data import shm_workers
    from ppocr.data.sampler import EpochBatchSampler

    if not shm_workers.available():
        return
    ds = Toy(wide=True)
    sampler = EpochBatchSampler(6, 3, False, False, seed=0, pad=False)
    got = list(shm_workers.SharedMemoryWorkers(ds, sampler, collate, 1, prefetch=2))
    want = [expected(ds, keys) for keys in sampler]
    assert isinstance(got[0]["image"], list)  # sample 2 is wider: not stacked
    for g, w in zip(got, want):
        assert all(np.array_equal(a, b) for a, b in zip(g["image"], w["image"]))
        assert np.array_equal(g["mask"], w["mask"])

"""The shared-memory worker loader gives the main-thread loader's batches, in order, raises a
worker's DataError in the main process, and leaves nothing under /dev/shm."""

from __future__ import annotations

import os

import numpy as np
import pytest

from ppocr.data import shm_workers
from ppocr.data.collate import collate
from ppocr.data.sampler import EpochBatchSampler
from ppocr.errors import DataError

pytestmark = pytest.mark.skipif(not shm_workers.available(), reason="no writable /dev/shm")


class Toy:
    """Samples whose arrays are large enough to go through shared memory (> MIN_SHARED_BYTES per
    batch), drawn from numpy's RNG seeded by the key as the datasets do."""

    def __init__(self, n: int, bad: int | None = None):
        self.n, self.bad = n, bad

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, key) -> dict:
        epoch, index = key
        if index == self.bad:
            raise DataError(f"sample {index} is broken")
        rng = np.random.default_rng(1000 * epoch + index)
        return {"image": rng.random((3, 40, 50), dtype=np.float32), "label": np.int64(index),
                "small": np.full(3, index, np.int32), "path": f"{index}.png"}


def leftovers() -> list[str]:
    return [f for f in os.listdir(shm_workers.SHM_DIR) if f.startswith(f"ppocr_{os.getpid()}_")]


@pytest.mark.parametrize("workers", [1, 3])
def test_batches_equal_main_thread_ones_in_order(workers):
    ds = Toy(23)
    sampler = EpochBatchSampler(len(ds), 4, True, False, seed=0, pad=False)
    want = [collate([ds[k] for k in keys]) for keys in sampler]
    got = list(shm_workers.SharedMemoryWorkers(ds, sampler, collate, workers, prefetch=2))
    assert len(got) == len(want) == 6
    for g, w in zip(got, want):
        assert g.keys() == w.keys() and g["path"] == w["path"]
        for key in ("image", "label", "small"):
            assert g[key].dtype == w[key].dtype and np.array_equal(g[key], w[key])
    assert got[0]["image"].nbytes >= shm_workers.MIN_SHARED_BYTES  # the shared path was taken
    assert leftovers() == []


def test_second_epoch_and_abandoned_iteration_leave_nothing():
    ds = Toy(12)
    sampler = EpochBatchSampler(len(ds), 4, False, False, seed=0, pad=False)
    loader = shm_workers.SharedMemoryWorkers(ds, sampler, collate, 2, prefetch=2)
    it = iter(loader)
    first = next(it)
    it.close()  # left after one batch: workers stopped, unread files removed
    assert leftovers() == []
    again = next(iter(loader))
    assert np.array_equal(first["image"], again["image"])
    assert leftovers() == []


def test_worker_data_error_is_raised_as_itself():
    ds = Toy(12, bad=6)
    sampler = EpochBatchSampler(len(ds), 4, False, False, seed=0, pad=False)
    with pytest.raises(DataError, match="sample 6 is broken"):
        list(shm_workers.SharedMemoryWorkers(ds, sampler, collate, 2))
    assert leftovers() == []


def test_full_shared_memory_falls_back_to_pickled_arrays(monkeypatch):
    """posix_fallocate failing (a full /dev/shm) sends the arrays pickled: same batches, no files."""
    def full(fd, offset, size):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shm_workers.os, "posix_fallocate", full)
    ds = Toy(8)
    sampler = EpochBatchSampler(len(ds), 4, False, False, seed=0, pad=False)
    got = list(shm_workers.SharedMemoryWorkers(ds, sampler, collate, 1))
    want = [collate([ds[k] for k in keys]) for keys in sampler]
    assert all(np.array_equal(g["image"], w["image"]) for g, w in zip(got, want)) and len(got) == 2
    assert leftovers() == []


def test_batches_are_not_copied_and_files_come_back_when_freed(monkeypatch):
    """The main process hands on the shared arrays themselves; a batch kept stays intact (its files
    are not reused), and the files of batches dropped are reused (a handful, not one per batch)."""
    mapped = []
    close = shm_workers.SlotReader.close
    monkeypatch.setattr(shm_workers.SlotReader, "close", lambda self: (mapped.append(len(self.maps)), close(self)))
    ds = Toy(60)
    sampler = EpochBatchSampler(len(ds), 4, False, False, seed=0, pad=False)
    want = [collate([ds[k] for k in keys]) for keys in sampler]
    for got, w in zip(shm_workers.SharedMemoryWorkers(ds, sampler, collate, 1, prefetch=2), want):
        assert isinstance(got["image"].base, np.ndarray) and np.array_equal(got["image"], w["image"])
    assert mapped[-1] <= 6 < len(want)
    kept = list(shm_workers.SharedMemoryWorkers(ds, sampler, collate, 1, prefetch=2))
    assert all(np.array_equal(g["image"], w["image"]) for g, w in zip(kept, want)) and len(kept) == 15
    assert mapped[-1] == 15 and leftovers() == []

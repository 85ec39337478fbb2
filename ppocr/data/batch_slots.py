"""Batch slots: the last transforms write their arrays straight into the batch.

Stacking a det batch of 4 copies ~45 MB (image, threshold and shrink maps and masks) that the
transforms had just written into fresh per-sample arrays. Instead, while a loader reads a batch of
B samples (:func:`reading`), a transform asks :func:`output` for the array it will store under
``data[key]`` and gets row ``i`` (the sample being read) of a (B,) + shape batch array, made on the
first request; the collate then takes that batch array as it is (:func:`whole`) when every
sample's value is its own row. Anything else gets a fresh array and the collate stacks as before,
so the values are the same either way: no batch being read (inference, paddle's loader), extra
samples for TextConAug (:func:`suspended`), a second request for the same key within one sample
(the first may still be its input), shapes or dtypes that differ from the batch array's.
"""

from __future__ import annotations

import collections
import contextlib
import mmap
import threading
import weakref

import numpy as np

_state = threading.local()


class Slots:
    """The batch arrays of one batch being read; ``empty(shape, dtype)`` (np.empty's form, e.g.
    a loader worker's shared memory) gives their memory, fresh zeroed memory when None."""

    def __init__(self, size: int, empty=None):
        self.size = size
        self.empty = empty
        self.arrays: dict[str, np.ndarray] = {}
        self.written: dict[str, set[int]] = {}  # rows handed out since the array was zeroed
        self.row: int | None = None
        self.taken: set[str] = set()

    def start(self, row: int | None) -> None:
        """Sample ``row`` of the batch is read next (None: none)."""
        self.row, self.taken = row, set()

    def output(self, key: str, shape: tuple, dtype, fill=None) -> np.ndarray | None:
        if self.row is None or key in self.taken:
            return None
        dtype = np.dtype(dtype)
        arr = self.arrays.get(key)
        if arr is None:
            full = (self.size,) + tuple(shape)
            if self.empty is None:
                arr = np.zeros(full, dtype)
                self.written[key] = set()
            else:
                arr = self.empty(full, dtype)
                self.written[key] = set(range(self.size))
            self.arrays[key] = arr
        elif arr.shape[1:] != tuple(shape) or arr.dtype != dtype:
            return None
        self.taken.add(key)
        out = arr[self.row]
        written = self.written[key]
        if fill is not None and (fill != 0 or self.row in written):
            out.fill(fill)
        written.add(self.row)
        return out

    def whole(self, key: str, values: list) -> np.ndarray | None:
        arr = self.arrays.get(key)
        if arr is None or len(values) != self.size:
            return None
        for i, v in enumerate(values):
            row = arr[i]
            if not (isinstance(v, np.ndarray) and v.dtype == arr.dtype and v.shape == row.shape
                    and v.strides == row.strides
                    and v.__array_interface__["data"][0] == row.__array_interface__["data"][0]):
                return None
        return arr


def output(key: str, shape: tuple, dtype, fill=None) -> np.ndarray:
    """The array a transform stores as ``data[key]``: the batch row of the sample being read, or
    a fresh one; ``fill`` (a number) sets every value, None leaves them to the caller."""
    slots = getattr(_state, "slots", None)
    out = slots.output(key, shape, dtype, fill) if slots is not None else None
    if out is not None:
        return out
    if fill is None:
        return np.empty(shape, dtype)
    return np.zeros(shape, dtype) if fill == 0 else np.full(shape, fill, dtype)


def whole(key: str, values: list) -> np.ndarray | None:
    """The batch array whose rows ``values`` are, in order, if they are (for the collate)."""
    slots = getattr(_state, "slots", None)
    return slots.whole(key, values) if slots is not None else None


@contextlib.contextmanager
def reading(size: int, empty=None):
    """Read one batch of ``size`` samples: yields the :class:`Slots` (call ``start(i)`` before
    sample ``i``); collate inside the block."""
    outer = getattr(_state, "slots", None)
    _state.slots = slots = Slots(size, empty)
    try:
        yield slots
    finally:
        _state.slots = outer


@contextlib.contextmanager
def suspended():
    """No batch rows inside (transforms run for another sample than the one being read)."""
    outer = getattr(_state, "slots", None)
    _state.slots = None
    try:
        yield
    finally:
        _state.slots = outer


class Recycler:
    """``empty(shape, dtype)`` for a loader in this process: a large array's memory comes from the
    batch arrays freed since (the training step is done with the batch), so that batch after batch
    is written into pages already mapped (fresh ones are faulted in one at a time, ~3x slower to
    write than pages already there). Each array is made on a buffer of its own (a private anonymous
    map), so every view of it, a zero-copy tensor's included, keeps that array alive; the buffer
    goes back to the pool when the array is freed, so a batch kept is never written into. At most
    ``keep`` freed buffers are kept."""

    def __init__(self, min_bytes: int = 1 << 16, keep: int = 32):
        self.min_bytes = min_bytes
        self.keep = keep
        self.free: list[mmap.mmap] = []
        self.freed: collections.deque = collections.deque()  # appended to by finalizers

    def __call__(self, shape, dtype) -> np.ndarray:
        dtype = np.dtype(dtype)
        shape = tuple(int(v) for v in shape)
        count = int(np.prod(shape))
        size = count * dtype.itemsize
        if size < self.min_bytes:
            return np.empty(shape, dtype)
        while self.freed:
            self.free.append(self.freed.popleft())
        del self.free[:-self.keep]
        fits = [i for i, buf in enumerate(self.free) if len(buf) >= size]
        if fits:
            buf = self.free.pop(min(fits, key=lambda i: len(self.free[i])))
        else:
            buf = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        flat = np.frombuffer(buf, dtype=dtype, count=count)  # views of it all have it as base
        weakref.finalize(flat, self.freed.append, buf)
        return flat.reshape(shape)


def read_batch(dataset, keys, collate_fn, empty=None) -> dict:
    """``collate_fn([dataset[k] for k in keys], empty=empty)``, with the transforms writing into
    the batch's rows where they can."""
    keys = list(keys)
    with reading(len(keys), empty) as slots:
        samples = []
        for i, k in enumerate(keys):
            slots.start(i)
            samples.append(dataset[k])
        slots.start(None)
        return collate_fn(samples, empty=empty)

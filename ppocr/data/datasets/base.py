"""What every dataset shares: per-sample seeding, skipping bad samples, extra samples for TextConAug.

Subclasses implement ``__len__``, ``load(i)`` (the raw sample: ``image`` bytes, ``label`` text,
``img_path``) and ``describe(i)`` (``label.txt:12 (imgs/a.jpg)``, for messages).
"""

from __future__ import annotations

import random

import numpy as np
from paddle.io import Dataset

from ppocr.data import batch_slots
from ppocr.data.transforms.base import BAD_REASONS, BadSample, Compose
from ppocr.errors import DataError
from ppocr.utils.logging import get_logger

# Sample keys that carry bookkeeping through the loader; the trainer pops them off the batch.
BAD_KEY = "_bad"
FILTERED_KEY = "_filtered"
REASON_KEY = "_bad_reason"  # 1 + index in BAD_REASONS of the asked-for sample's reason, 0: usable
MAX_WARNINGS = 50


def sample_seed(seed: int, epoch: int, index: int, attempt: int = 0) -> int:
    """A well-mixed 32-bit seed for one sample of one epoch."""
    return int(np.random.SeedSequence([seed & 0xFFFFFFFF, epoch, index, attempt]).generate_state(1)[0])


class BaseDataSet(Dataset):
    """Map-style dataset keyed by ``(epoch, index)`` (a bare int means epoch 0)."""

    def __init__(self, transforms: Compose, seed: int = 0, where: str = "dataset"):
        self.transforms = transforms
        self.seed = seed
        self.where = where
        self._warned: set[int] = set()
        self._ext_ops = [(k, op) for k, op in enumerate(transforms.ops) if getattr(op, "ext_data_num", 0)]

    # -- to implement ---------------------------------------------------------------------------
    def __len__(self) -> int:
        raise NotImplementedError

    def load(self, i: int) -> dict:
        raise NotImplementedError

    def describe(self, i: int) -> str:
        return f"{self.where}[{i}]"

    # -- shared ---------------------------------------------------------------------------------
    def set_epoch(self, epoch: int) -> None:
        """Hook for datasets whose content depends on the epoch (ratio_list sampling)."""

    def _seed_all(self, epoch: int, index: int, attempt: int) -> None:
        s = sample_seed(self.seed, epoch, index, attempt)
        random.seed(s)
        np.random.seed(s)

    def _run(self, data: dict, epoch: int) -> dict | None:
        """The transforms, handing extra samples to ops that ask for them (TextConAug)."""
        start = 0
        for k, op in self._ext_ops:
            data = self.transforms(data, start, k)
            if data is None:
                return None
            data["ext_data"] = self._extra_samples(op.ext_data_num, k, epoch)
            start = k
        return self.transforms(data, start)

    def _extra_samples(self, num: int, upto: int, epoch: int) -> list[dict]:
        out = []
        for _ in range(num * 3):
            if len(out) == num:
                break
            j = int(np.random.randint(len(self)))
            try:
                with batch_slots.suspended():  # the batch rows are the sample's being read
                    extra = self.transforms(self.load(j), 0, upto)
            except BadSample:
                continue
            if extra is not None:
                out.append(extra)
        return out

    def _warn(self, i: int, error: Exception) -> None:
        """Each bad sample once, the first MAX_WARNINGS of them per process; all are counted."""
        if i in self._warned:
            return
        self._warned.add(i)
        if len(self._warned) <= MAX_WARNINGS:
            get_logger().warning(f"skipping bad sample {self.describe(i)}: {error}")
        if len(self._warned) == MAX_WARNINGS:
            get_logger().warning(f"{self.where}: {MAX_WARNINGS} bad samples logged; further ones are "
                                 f"counted, not logged")

    def __getitem__(self, key) -> dict:
        """The sample at ``index``, or when it is bad or filtered the next usable one. Only the
        sample asked for is counted (``_bad``/``_filtered``): the sampler asks for each index once
        per epoch, so each bad sample counts once, however many walks pass over it, and bad +
        filtered + good adds up to the samples read (the batch slots)."""
        epoch, index = key if isinstance(key, tuple) else (0, int(key))
        self.set_epoch(epoch)  # the key carries the epoch, so loader workers need no signal
        n = len(self)
        bad = filtered = 0  # of this walk, for the error below
        own = None  # what happened to the sample asked for: "bad", "filtered" or None (usable)
        code = 0
        for attempt in range(min(n, 1000)):
            i = (index + attempt) % n
            self._seed_all(epoch, i, attempt)
            try:
                data = self._run(self.load(i), epoch)
            except BadSample as e:
                bad += 1
                if own is None:
                    own = "bad"
                    reason = getattr(e, "reason", "unusable")
                    code = 1 + (BAD_REASONS.index(reason) if reason in BAD_REASONS else 0)
                self._warn(i, e)
                continue
            if data is None:
                filtered += 1
                own = own or "filtered"
                continue
            data[BAD_KEY] = int(own == "bad")
            data[FILTERED_KEY] = int(own == "filtered")
            data[REASON_KEY] = code
            return data
        raise DataError(f"{self.where}: no usable sample found after {min(n, 1000)} tries from "
                        f"{self.describe(index % n)} ({bad} bad, {filtered} filtered by transforms)")

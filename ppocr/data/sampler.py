"""Batch sampler: shuffled by (seed, epoch), sharded across ranks, resumable mid-epoch.

It yields lists of ``(epoch, index)`` keys, so a dataset seeds each sample's augmentation from the
key alone and any number of loader workers produce the same samples.
"""

from __future__ import annotations

import numpy as np


class EpochBatchSampler:
    def __init__(self, num_samples: int, batch_size: int, shuffle: bool, drop_last: bool,
                 seed: int = 0, rank: int = 0, world_size: int = 1, pad: bool = True):
        self.num_samples = num_samples
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.seed = seed
        self.rank = rank
        self.world_size = world_size
        self.pad = pad  # training pads so every rank gets the same number of batches; eval does not
        self.epoch = 0
        self.start_batch = 0

    def set_epoch(self, epoch: int, start_batch: int = 0) -> None:
        self.epoch = epoch
        self.start_batch = start_batch

    def indices(self) -> np.ndarray:
        n = self.num_samples
        idx = np.random.default_rng([self.seed, self.epoch]).permutation(n) if self.shuffle \
            else np.arange(n)
        if self.world_size > 1:
            if self.pad:
                total = -(-n // self.world_size) * self.world_size
                idx = np.concatenate([idx, idx[: total - n]]) if total > n else idx
            idx = idx[self.rank::self.world_size]
        return idx

    def __len__(self) -> int:
        n = len(self.indices()) if self.world_size > 1 else self.num_samples
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        idx = self.indices()
        for b in range(self.start_batch, len(self)):
            chunk = idx[b * self.batch_size:(b + 1) * self.batch_size]
            yield [(self.epoch, int(i)) for i in chunk]


def sample_seed_step(seed: int, step: int) -> int:
    """Seed for the model's own randomness (dropout) at a training step."""
    return int(np.random.SeedSequence([seed & 0xFFFFFFFF, 1 << 20, step]).generate_state(1)[0]) & 0x7FFFFFFF

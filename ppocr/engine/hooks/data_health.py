"""Stop training when too many samples are unusable (corrupt or missing images, broken labels).

Checked after every step once 100 samples have been read, and at every epoch end: training stops
with a DataError when the bad share of the samples read exceeds ``Global.max_bad_sample_ratio``.
"""

from __future__ import annotations

from ppocr.engine.hooks.base import Hook
from ppocr.errors import DataError
from ppocr.utils.logging import get_logger

MIN_READ = 100


class DataHealthHook(Hook):
    def __init__(self, max_ratio: float, where: str):
        self.max_ratio = float(max_ratio)
        self.where = where
        self.reported = 0

    def _check(self, trainer, final: bool) -> None:
        s = trainer.state
        bad = s.bad_samples
        # a bad or filtered sample's batch slot is filled by the next usable one, so the samples
        # asked for (each counted once per epoch) are the batch slots
        read = s.samples_seen // max(1, s.world_size)
        if bad > self.reported:
            get_logger().warning(f"{self.where}: {bad} unusable sample(s) skipped so far "
                                 f"of {read} read")
            self.reported = bad
        if (final or read >= MIN_READ) and bad > self.max_ratio * read:
            raise DataError(f"{self.where}: {bad} of {read} samples read were unusable "
                            f"({bad / read:.1%}), more than Global.max_bad_sample_ratio="
                            f"{self.max_ratio}; see the warnings above for files and lines")

    def after_step(self, trainer) -> None:
        self._check(trainer, final=False)

    def after_epoch(self, trainer) -> None:
        self._check(trainer, final=True)

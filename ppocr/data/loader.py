"""Build a dataset, its sampler and a paddle DataLoader from ``Train`` or ``Eval``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ppocr.data import batch_slots, shm_workers
from ppocr.data.collate import get_collate
from ppocr.data.datasets.base import REASON_KEY
from ppocr.data.sampler import EpochBatchSampler
from ppocr.data.transforms.base import BAD_REASONS, build_transforms
from ppocr.errors import ConfigError, DataError
from ppocr.registry import DATASETS, did_you_mean
from ppocr.settings import Settings
from ppocr.settings import settings as resolve_settings

# collate_fn: a name in ppocr.data.collate.COLLATE_FNS (None: stack one entry per sample)
LOADER_DEFAULTS = {"shuffle": False, "batch_size_per_card": 1, "drop_last": False, "num_workers": 0,
                   "use_shared_memory": True, "collate_fn": None}


@dataclass
class Data:
    dataset: Any
    sampler: EpochBatchSampler
    loader: Any


def loader_options(section: dict, where: str) -> dict:
    opts = dict(LOADER_DEFAULTS)
    for k, v in (section.get("loader") or {}).items():
        if k not in LOADER_DEFAULTS:
            raise ConfigError(f"{where}.loader: unknown key '{k}';{did_you_mean(k, LOADER_DEFAULTS)} "
                              f"accepts: {', '.join(LOADER_DEFAULTS)}")
        opts[k] = v
    if int(opts["batch_size_per_card"]) < 1:
        raise ConfigError(f"{where}.loader.batch_size_per_card must be >= 1")
    get_collate(opts["collate_fn"], f"{where}.loader")
    return opts


def collate_name(opts: dict, transforms, where: str) -> str | None:
    """The collate function: the one a transform's output needs (its ``collate_fn``, e.g.
    SSLRotateResize's several images per sample), which ``loader.collate_fn`` may name or leave
    out; a different one is an error (the default would stack them into a 5-D batch)."""
    needed = [(type(op).__name__, op.collate_fn) for op in transforms.ops if getattr(op, "collate_fn", None)]
    if not needed:
        return opts["collate_fn"]
    who, name = needed[0]
    if opts["collate_fn"] not in (None, name):
        raise ConfigError(f"{where}.loader.collate_fn: {who} needs collate_fn: {name} "
                          f"(got {opts['collate_fn']!r})")
    return name


def build_dataset(cfg: dict, mode: str, provided: dict | None = None, defaults: dict | None = None,
                  settings: Settings | None = None):
    """``mode`` is 'Train' or 'Eval'. ``provided``/``defaults`` reach the transforms that take them
    (see :meth:`ppocr.registry.Registry.build`)."""
    section = cfg.get(mode)
    if not isinstance(section, dict) or not isinstance(section.get("dataset"), dict):
        raise ConfigError(f"{getattr(cfg, 'path', 'config')}: {mode}.dataset is missing")
    args = dict(section["dataset"])
    name = args.pop("name", None)
    if name is None:
        raise ConfigError(f"{mode}.dataset: missing 'name' (one of {', '.join(DATASETS.names())})")
    transforms = build_transforms(args.pop("transforms", None), f"{mode}.dataset.transforms",
                                  defaults, **(provided or {}))
    # provided arguments reach the datasets whose constructors name them
    g = settings or resolve_settings(cfg)
    extra = {"transforms": transforms, "seed": g.seed, "where": f"{mode}.dataset",
             "max_bad_ratio": float(g.max_bad_sample_ratio)}
    return DATASETS.build_named(name, args, f"{mode}.dataset", **extra)


def report_unknown_chars(dataset, charset) -> None:
    """One warning per label file whose labels use characters outside the dictionary (they are
    dropped by the label encoder; labels left empty skip their sample)."""
    from ppocr.utils.logging import get_logger

    for path, entries in zip(dataset.files, dataset.entries):
        report = charset.scan(label for _, label, _ in entries)
        if report.labels:
            get_logger().warning(report.summary(path))


def build_data(cfg: dict, mode: str, rank: int = 0, world_size: int = 1, provided: dict | None = None,
               defaults: dict | None = None, num_workers: int | None = None,
               settings: Settings | None = None) -> Data:
    import paddle

    opts = loader_options(cfg[mode], mode)
    g = settings or resolve_settings(cfg)
    dataset = build_dataset(cfg, mode, provided, defaults, g)
    charset = (provided or {}).get("charset")
    if charset is not None and hasattr(dataset, "entries"):
        report_unknown_chars(dataset, charset)
    train = mode == "Train"
    sampler = EpochBatchSampler(len(dataset), int(opts["batch_size_per_card"]), bool(opts["shuffle"]),
                                bool(opts["drop_last"]), seed=g.seed,
                                rank=rank, world_size=world_size, pad=train)
    if len(sampler) == 0:
        raise ConfigError(f"{mode}: {len(dataset)} samples give no batch of "
                          f"{opts['batch_size_per_card']} with drop_last; lower batch_size_per_card")
    workers = int(opts["num_workers"] if num_workers is None else num_workers)
    collate = collate_name(opts, dataset.transforms, mode)
    if workers == 0:
        loader = MainThreadLoader(dataset, sampler, get_collate(collate))
    elif opts["use_shared_memory"] and shm_workers.available():
        loader = SharedMemoryLoader(dataset, sampler, get_collate(collate), workers)
    else:
        loader = WorkerLoader(sampler, dataset.where, paddle.io.DataLoader(
            GuardedDataset(dataset), batch_sampler=sampler, collate_fn=GuardedCollate(get_collate(collate)),
            num_workers=workers,
            use_shared_memory=bool(opts["use_shared_memory"]), return_list=True))
    return Data(dataset, sampler, loader)


def to_tensors(batch: dict) -> dict:
    """numpy arrays -> paddle Tensors, as paddle's DataLoader gives them; lists stay lists.

    On the CPU a batch's (freshly stacked, C-contiguous) arrays are wrapped without a copy: the
    tensor shares the array's memory and holds a reference to it (a det batch of 4 is ~45 MB that
    ``paddle.to_tensor`` would copy again). Elsewhere ``to_tensor`` copies them to the device."""
    import numpy as np
    import paddle

    if paddle.get_device() != "cpu":
        return {k: paddle.to_tensor(v) if isinstance(v, np.ndarray) else v for k, v in batch.items()}
    place = paddle.CPUPlace()
    return {k: (paddle.Tensor(v, place=place, zero_copy=True) if v.flags.c_contiguous and v.dtype.kind in "biuf"
                else paddle.to_tensor(v)) if isinstance(v, np.ndarray) else v for k, v in batch.items()}


class TalliedLoader:
    """Iterates batches (``_batches``) and logs the epoch's bad-sample reasons (:class:`EpochTally`)
    when the iteration ends or is left."""

    def __iter__(self):
        tally = EpochTally(self.batch_sampler.epoch, self.where)
        try:
            for batch in self._batches():
                yield tally.take(batch)
        finally:
            tally.log()


class MainThreadLoader(TalliedLoader):
    """``num_workers: 0``: read and collate each batch in the calling thread. Paddle's loader does it
    in a reader thread behind a blocking queue, where an exception (a DataError) is lost and the main
    thread waits forever, deaf to SIGTERM; here it reaches the caller, and so does a signal."""

    def __init__(self, dataset, batch_sampler, collate_fn):
        self.dataset = dataset
        self.batch_sampler = batch_sampler
        self.collate_fn = collate_fn
        self.where = dataset.where

    def __len__(self) -> int:
        return len(self.batch_sampler)

    def _batches(self):
        memory = batch_slots.Recycler()  # the memory of the batches the caller is done with
        for keys in self.batch_sampler:
            yield to_tensors(batch_slots.read_batch(self.dataset, keys, self.collate_fn, empty=memory))


class SharedMemoryLoader(MainThreadLoader):
    """``num_workers`` > 0 with ``use_shared_memory`` (the default, where /dev/shm exists): forked
    workers stack each batch into shared memory and the main process wraps it without a copy
    (:mod:`ppocr.data.shm_workers`); the batches equal the main-thread loader's."""

    def __init__(self, dataset, batch_sampler, collate_fn, num_workers: int):
        super().__init__(dataset, batch_sampler, collate_fn)
        self.workers = shm_workers.SharedMemoryWorkers(dataset, batch_sampler, collate_fn, num_workers)

    def _batches(self):
        for batch in self.workers:
            yield to_tensors(batch)


class EpochTally:
    """The reasons of the bad samples an epoch's batches carry (``REASON_KEY``, taken off each
    batch), logged as one summary line when the epoch's iteration ends (or is left)."""

    def __init__(self, epoch: int, where: str):
        self.epoch = epoch
        self.where = where
        self.counts: dict[str, int] = {}

    def take(self, batch: dict) -> dict:
        for code in batch.pop(REASON_KEY, None) or ():
            if int(code):
                reason = BAD_REASONS[int(code) - 1]
                self.counts[reason] = self.counts.get(reason, 0) + 1
        return batch

    def line(self) -> str | None:
        if not self.counts:
            return None
        parts = ", ".join(f"{n} {why}" for why, n in sorted(self.counts.items(), key=lambda kv: -kv[1]))
        return (f"{self.where}: epoch {self.epoch}: {sum(self.counts.values())} unusable sample(s) "
                f"skipped: {parts}")

    def log(self) -> None:
        line = self.line()
        if line:
            from ppocr.utils.logging import get_logger

            get_logger().warning(line)


ERROR_KEY = "_data_error"


class GuardedDataset:
    """The dataset as a loader worker sees it: a DataError becomes a sample carrying its message,
    which :class:`WorkerLoader` raises again in the main process. (Raised in a worker, paddle
    re-raises it in its reader thread, and the main thread only sees "Blocking queue is killed".)"""

    def __init__(self, dataset):
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, key) -> dict:
        try:
            return self.dataset[key]
        except DataError as e:
            return {ERROR_KEY: str(e)}


class GuardedCollate:
    """The collate function for :class:`GuardedDataset`'s samples: a batch holding an error is the
    error alone, and a DataError of the collate itself becomes one too."""

    def __init__(self, collate_fn):
        self.collate_fn = collate_fn

    def __call__(self, samples: list[dict]) -> dict:
        for s in samples:
            if ERROR_KEY in s:
                return error_batch(s[ERROR_KEY])
        try:
            return self.collate_fn(samples)
        except DataError as e:
            return error_batch(str(e))


def error_batch(message: str) -> dict:
    """A batch carrying a DataError's message, as bytes (paddle's loader passes arrays through)."""
    import numpy as np

    return {ERROR_KEY: np.frombuffer(message.encode("utf-8"), dtype=np.uint8).copy()}


class WorkerLoader(TalliedLoader):
    """Paddle's multi-process loader over a :class:`GuardedDataset`; a worker's DataError is raised
    here, in the main process, as itself."""

    def __init__(self, batch_sampler, where: str, loader):
        self.batch_sampler = batch_sampler
        self.where = where
        self.loader = loader

    def __len__(self) -> int:
        return len(self.loader)

    def _batches(self):
        for batch in self.loader:
            if ERROR_KEY in batch:
                raise DataError(bytes(batch[ERROR_KEY].numpy()).decode("utf-8"))
            yield batch

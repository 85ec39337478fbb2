"""SimpleDataSet: PaddleOCR's ``<image path>\\t<label>`` label files under a ``data_dir``."""

from __future__ import annotations

import os

import numpy as np

from ppocr.data.datasets.base import BaseDataSet
from ppocr.data.transforms.base import BadSample, Compose
from ppocr.errors import ConfigError, DataError
from ppocr.registry import DATASETS
from ppocr.utils.logging import get_logger
from ppocr.utils.paths import where_looked


def read_label_file(path: str, delimiter: str, max_bad_ratio: float) -> list[tuple[str, str, int]]:
    """(image path, label, line number) per usable line. Malformed lines (no delimiter, empty path)
    are logged with file and line and skipped; more than ``max_bad_ratio`` of them is an error."""
    if not os.path.isfile(path):
        raise DataError(f"label file not found: {path}{where_looked(path)}")
    entries, bad = [], []
    with open(path, "rb") as f:
        for no, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                bad.append((no, "not valid UTF-8"))
                continue
            if not line.strip():
                continue
            if delimiter not in line:
                bad.append((no, f"no {delimiter!r} between image path and label"))
                continue
            img, label = line.split(delimiter, 1)
            if not img.strip():
                bad.append((no, "empty image path"))
                continue
            entries.append((img.strip(), label, no))
    total = len(entries) + len(bad)
    log = get_logger()
    for no, why in bad[:20]:
        log.warning(f"{path}:{no}: skipping malformed label line: {why}")
    if len(bad) > 20:
        log.warning(f"{path}: {len(bad) - 20} more malformed lines skipped")
    if total and len(bad) > max_bad_ratio * total:
        raise DataError(f"{path}: {len(bad)} of {total} label lines are malformed, more than "
                        f"Global.max_bad_sample_ratio={max_bad_ratio}; first at line {bad[0][0]}: "
                        f"{bad[0][1]}")
    if not entries:
        raise DataError(f"{path}: no usable label lines")
    return entries


@DATASETS.register(ignored_keys=("ext_op_transform_idx", "ds_width", "padding"))
class SimpleDataSet(BaseDataSet):
    """Several label files, each sampled with ``ratio_list`` (re-drawn every epoch when < 1)."""

    def __init__(self, label_file_list: list[str] | str, transforms: Compose, data_dir: str = "",
                 ratio_list: list[float] | float = 1.0, delimiter: str = "\t", seed: int = 0,
                 max_bad_ratio: float = 0.1, where: str = "dataset"):
        super().__init__(transforms, seed, where)
        files = [label_file_list] if isinstance(label_file_list, str) else list(label_file_list or [])
        if not files:
            raise ConfigError(f"{where}.label_file_list: no label files given")
        ratios = [ratio_list] * len(files) if isinstance(ratio_list, (int, float)) else list(ratio_list)
        if len(ratios) != len(files):
            raise ConfigError(f"{where}.ratio_list: {len(ratios)} ratios for {len(files)} label files")
        if any(r <= 0 for r in ratios):
            raise ConfigError(f"{where}.ratio_list: ratios must be > 0, got {ratios}")
        self.data_dir = data_dir or ""
        if self.data_dir and not os.path.isdir(self.data_dir):
            raise DataError(f"{where}.data_dir: no such folder: {self.data_dir}{where_looked(self.data_dir)}")
        self.files = files
        self.entries = [read_label_file(f, delimiter, max_bad_ratio) for f in files]
        self.counts = [max(1, round(len(e) * r)) for e, r in zip(self.entries, ratios)]
        self.offsets = np.cumsum([0] + self.counts)
        self._epoch = 0
        self._picks: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return int(self.offsets[-1])

    def set_epoch(self, epoch: int) -> None:
        if epoch != self._epoch:
            self._epoch = epoch
            self._picks.clear()

    def _locate(self, i: int) -> tuple[int, tuple[str, str, int]]:
        f = int(np.searchsorted(self.offsets, i, side="right") - 1)
        k = i - int(self.offsets[f])
        entries = self.entries[f]
        if self.counts[f] != len(entries):  # a ratio: this epoch's pick of lines from the file
            if f not in self._picks:
                rng = np.random.default_rng([self.seed, self._epoch, f])
                n, want = len(entries), self.counts[f]
                reps = -(-want // n)
                self._picks[f] = np.concatenate([rng.permutation(n) for _ in range(reps)])[:want]
            k = int(self._picks[f][k])
        return f, entries[k]

    def describe(self, i: int) -> str:
        f, (img, _, no) = self._locate(i)
        return f"{self.files[f]}:{no} ({img})"

    def load(self, i: int) -> dict:
        f, (img, label, no) = self._locate(i)
        path = os.path.join(self.data_dir, img)
        try:
            with open(path, "rb") as fh:
                buf = fh.read()
        except OSError as e:
            raise BadSample(f"cannot read image {path}: {e.strerror}", "unreadable") from None
        return {"img_path": path, "image": buf, "label": label,
                "label_file": self.files[f], "line_no": no}

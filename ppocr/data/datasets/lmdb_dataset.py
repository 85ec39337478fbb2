"""LMDBDataSet: the common recognition LMDB layout (``num-samples``, ``image-%09d``, ``label-%09d``,
1-based), one or more databases found under ``data_dir``."""

from __future__ import annotations

import os

import numpy as np

from ppocr.data.datasets.base import BaseDataSet
from ppocr.data.transforms.base import BadSample, Compose
from ppocr.errors import DataError
from ppocr.registry import DATASETS
from ppocr.utils.paths import where_looked


def find_lmdb_dirs(root: str) -> list[str]:
    if not os.path.isdir(root):
        raise DataError(f"LMDB data_dir not found: {root}{where_looked(root)}")
    found = sorted(d for d, _, files in os.walk(root) if "data.mdb" in files)
    if not found:
        raise DataError(f"{root}: no LMDB database (a folder with data.mdb) below it")
    return found


@DATASETS.register(ignored_keys=("ext_op_transform_idx",))
class LMDBDataSet(BaseDataSet):
    def __init__(self, data_dir: str, transforms: Compose, seed: int = 0, where: str = "dataset"):
        super().__init__(transforms, seed, where)
        import lmdb

        self.dirs = find_lmdb_dirs(data_dir)
        counts = []
        for d in self.dirs:
            with lmdb.open(d, readonly=True, lock=False, readahead=False, meminit=False) as env:
                with env.begin() as txn:
                    raw = txn.get(b"num-samples")
            if raw is None:
                raise DataError(f"{d}: LMDB has no 'num-samples' key")
            try:
                counts.append(int(raw))
            except ValueError:
                raise DataError(f"{d}: 'num-samples' is not a number: {raw[:20]!r}") from None
        self.counts = counts
        self.offsets = np.cumsum([0] + counts)
        if self.offsets[-1] == 0:
            raise DataError(f"{data_dir}: the LMDB databases hold no samples")
        self._envs: dict[int, object] = {}
        self._pid = None

    def __len__(self) -> int:
        return int(self.offsets[-1])

    def _env(self, k: int):
        import lmdb

        if self._pid != os.getpid():  # an environment must not cross a fork (loader workers)
            self._envs, self._pid = {}, os.getpid()
        if k not in self._envs:
            self._envs[k] = lmdb.open(self.dirs[k], readonly=True, lock=False, readahead=False,
                                      meminit=False, max_readers=64)
        return self._envs[k]

    def _locate(self, i: int) -> tuple[int, int]:
        k = int(np.searchsorted(self.offsets, i, side="right") - 1)
        return k, i - int(self.offsets[k]) + 1

    def describe(self, i: int) -> str:
        k, j = self._locate(i)
        return f"{self.dirs[k]}:image-{j:09d}"

    def load(self, i: int) -> dict:
        k, j = self._locate(i)
        with self._env(k).begin() as txn:
            img = txn.get(b"image-%09d" % j)
            label = txn.get(b"label-%09d" % j)
        if img is None or label is None:
            raise BadSample(f"missing image-{j:09d} or label-{j:09d}")
        try:
            text = label.decode("utf-8")
        except UnicodeDecodeError:
            raise BadSample(f"label-{j:09d} is not valid UTF-8") from None
        return {"img_path": self.describe(i), "image": img, "label": text,
                "label_file": self.dirs[k], "line_no": j}


def write_lmdb(out_dir: str, samples, map_size: int = 1 << 32) -> int:
    """Write ``(image bytes, label)`` pairs in the layout above; returns the count written."""
    import lmdb

    os.makedirs(out_dir, exist_ok=True)
    n = 0
    with lmdb.open(out_dir, map_size=map_size) as env:
        txn = env.begin(write=True)
        for img, label in samples:
            n += 1
            txn.put(b"image-%09d" % n, img)
            txn.put(b"label-%09d" % n, label.encode("utf-8"))
            if n % 1000 == 0:
                txn.commit()
                txn = env.begin(write=True)
        txn.put(b"num-samples", str(n).encode())
        txn.commit()
    return n

"""Data errors end a training run in seconds with one ``error:`` line (exit 2), with and without
loader workers, and SIGTERM ends a run without workers too (issue 15, item 2)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import REPO, cls_overrides, run_tool, write_cls_set

CFG = "configs/cls/ppocrv3_cls.yml"


@pytest.fixture(scope="module")
def cls_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("cls")
    return {"train": write_cls_set(root / "train", 16, 1), "eval": write_cls_set(root / "eval", 8, 2)}


def _train(data, out, *extra, timeout=30):
    t = time.monotonic()
    r = run_tool("tools/train.py", "-c", CFG, "-o", *cls_overrides(data, out), *extra, check=False,
                 timeout=timeout)
    return r, time.monotonic() - t


def _one_error(r) -> str:
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert r.returncode == 2, r.stderr[-3000:]
    assert len(errors) == 1, r.stderr[-3000:]
    assert "Traceback" not in r.stderr and "Blocking queue" not in r.stderr, r.stderr[-3000:]
    return errors[0]


@pytest.mark.parametrize("workers", [0, 1])
def test_missing_data_dir_is_one_error_line(cls_data, tmp_path, workers):
    r, took = _train(cls_data, tmp_path, "Train.dataset.data_dir=/nonexistent",
                     f"Train.loader.num_workers={workers}")
    assert "/nonexistent" in _one_error(r)
    assert took < 10


@pytest.mark.parametrize("workers", [0, 1])
def test_all_bad_images_is_one_error_line(cls_data, tmp_path, workers):
    bad = tmp_path / "bad"
    (bad / "images").mkdir(parents=True)
    for i in range(16):
        (bad / "images" / f"{i}.png").write_bytes(b"")
    (bad / "label.txt").write_text("".join(f"images/{i}.png\t0\n" for i in range(16)))
    r, took = _train({**cls_data, "train": bad}, tmp_path / "out", f"Train.loader.num_workers={workers}")
    line = _one_error(r)
    assert "Train.dataset" in line and "16 bad" in line
    assert took < 10


@pytest.mark.parametrize("workers", [0, 1])
def test_removed_transform_is_one_error_line(cls_data, tmp_path, workers):
    r, took = _train(cls_data, tmp_path, "~Train.dataset.transforms.0", f"Train.loader.num_workers={workers}")
    line = _one_error(r)
    assert "transform BaseDataAugmentation failed on " in line and "'bytes' object" in line
    assert took < 10


def test_sigterm_without_workers_exits_143(cls_data, tmp_path):
    o = cls_overrides(cls_data, tmp_path, **{"Global.epoch_num": 500, "Global.print_batch_step": 1,
                                             "Train.loader.num_workers": 0})
    proc = subprocess.Popen([sys.executable, "tools/train.py", "-c", CFG, "-o", *o], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:  # training is under way once a step is logged
        if "epoch:" in line and "loss" in line:
            break
    t = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.stdout.close()
    assert rc == 143
    assert time.monotonic() - t < 15


def test_guarded_collate_carries_the_error():
    from ppocr.data.collate import collate
    from ppocr.data.loader import ERROR_KEY, GuardedCollate

    guarded = GuardedCollate(collate)
    assert bytes(guarded([{"x": 1}, {ERROR_KEY: "broken"}])[ERROR_KEY]) == b"broken"
    assert guarded([{"x": 1}, {"x": 2}])["x"].tolist() == [1, 2]


def test_main_thread_loader_yields_tensors_and_raises(tmp_path):
    import paddle

    from ppocr.data.collate import collate
    from ppocr.data.loader import MainThreadLoader
    from ppocr.data.sampler import EpochBatchSampler
    from ppocr.errors import DataError

    class Items:
        def __getitem__(self, key):
            _, i = key
            if i == 3:
                raise DataError("sample 3 is broken")
            import numpy as np
            return {"image": np.zeros((2, 2), np.float32), "_bad": 0}

        where = "Train.dataset"

    loader = MainThreadLoader(Items(), EpochBatchSampler(4, 2, False, False), collate)
    assert len(loader) == 2
    it = iter(loader)
    first = next(it)
    assert isinstance(first["image"], paddle.Tensor) and first["_bad"] == [0, 0]
    with pytest.raises(DataError, match="sample 3"):
        next(it)
    assert Path(tmp_path).is_dir()

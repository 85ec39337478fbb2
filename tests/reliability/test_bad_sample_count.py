"""Each bad sample counts once per epoch, however many fall-through walks pass over it
(issue 15, item 3): 10 zero-byte images in a row out of 200 are 10 bad samples, not 55."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ppocr.data.datasets.base import BAD_KEY, FILTERED_KEY
from ppocr.data.datasets.lmdb_dataset import LMDBDataSet, write_lmdb
from ppocr.data.datasets.simple import SimpleDataSet
from ppocr.data.transforms import build_transforms
from tests.helpers import cls_overrides, run_tool

N = 200
DECODE = [{"DecodeImage": {"img_mode": "BGR"}}]


def _png() -> bytes:
    return cv2.imencode(".png", np.full((20, 60, 3), 200, np.uint8))[1].tobytes()


def bad_positions(kind: str, count: int) -> set[int]:
    return set(range(50, 50 + count)) if kind == "consecutive" else set(range(3, 3 + 19 * count, 19))


def write_set(root, bad: set[int], n: int = N):
    (root / "images").mkdir(parents=True, exist_ok=True)
    good = _png()
    lines = []
    for i in range(n):
        (root / "images" / f"{i}.png").write_bytes(b"" if i in bad else good)
        lines.append(f"images/{i}.png\t{'0' if i % 2 == 0 else '180'}")
    (root / "label.txt").write_text("\n".join(lines) + "\n")
    return root


def epoch_counts(ds) -> tuple[int, int]:
    samples = [ds[(1, i)] for i in range(len(ds))]
    return sum(s[BAD_KEY] for s in samples), sum(s[FILTERED_KEY] for s in samples)


@pytest.mark.parametrize("kind", ["consecutive", "spread"])
def test_simple_dataset_counts_each_bad_image_once(tmp_path, kind):
    write_set(tmp_path, bad_positions(kind, 10))
    ds = SimpleDataSet([str(tmp_path / "label.txt")], build_transforms(DECODE, "t"), data_dir=str(tmp_path))
    assert epoch_counts(ds) == (10, 0)
    assert epoch_counts(ds) == (10, 0)  # the next epoch counts them again, once


def test_lmdb_counts_each_bad_record_once(tmp_path):
    bad = set(range(100, 126))  # 13% of 200, in a row
    good = _png()
    write_lmdb(str(tmp_path / "db"), ((b"" if i in bad else good, "abc") for i in range(N)))
    ds = LMDBDataSet(str(tmp_path), build_transforms(DECODE, "t"))
    assert epoch_counts(ds) == (26, 0)


def _train(data_root, eval_root, out, **extra):
    o = cls_overrides({"train": data_root, "eval": eval_root}, out,
                      **{"Global.epoch_num": 1, "Global.max_bad_sample_ratio": 0.1,
                         "Train.loader.shuffle": False, **extra})
    return run_tool("tools/train.py", "-c", "configs/cls/ppocrv3_cls.yml", "-o", *o, check=False,
                    timeout=300)


@pytest.mark.parametrize("kind", ["consecutive", "spread"])
def test_five_percent_bad_trains_under_a_ten_percent_limit(tmp_path, kind):
    train = write_set(tmp_path / "train", bad_positions(kind, 10))
    evals = write_set(tmp_path / "eval", set(), n=8)
    r = _train(train, evals, tmp_path / "out")
    assert r.returncode == 0, r.stderr[-3000:]


def test_thirty_bad_in_a_row_stop_the_run_with_their_count(tmp_path):
    train = write_set(tmp_path / "train", bad_positions("consecutive", 30))
    evals = write_set(tmp_path / "eval", set(), n=8)
    r = _train(train, evals, tmp_path / "out")
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert r.returncode == 2 and len(errors) == 1, r.stderr[-3000:]
    # 30 bad, not the 465 the fall-through walks used to count
    assert "Train.dataset: 30 of " in errors[0] and "max_bad_sample_ratio=0.1" in errors[0]

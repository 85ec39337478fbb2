import os
import subprocess
import sys

import cv2
import numpy as np
import pytest

from ppocr.data.datasets.base import BAD_KEY
from ppocr.data.datasets.lmdb_dataset import LMDBDataSet
from ppocr.data.datasets.simple import SimpleDataSet
from ppocr.data.transforms import build_transforms
from ppocr.errors import DataError

TRANSFORMS = [{"DecodeImage": {"img_mode": "BGR"}}, {"ClsLabelEncode": None},
              {"ClsResizeImg": {"image_shape": [3, 16, 64]}}, {"KeepKeys": {"keep_keys": ["image", "label"]}}]


def make_images(root, n, corrupt=(), missing=()):
    os.makedirs(root / "imgs", exist_ok=True)
    lines = []
    for i in range(n):
        name = f"imgs/{i}.png"
        if i in corrupt:
            (root / name).write_bytes(b"not an image at all")
        elif i not in missing:
            img = np.full((20, 60, 3), 10 * i % 255, np.uint8)
            cv2.imwrite(str(root / name), img)
        lines.append(f"{name}\t{'0' if i % 2 == 0 else '180'}")
    return lines


def dataset(root, lines, **kw):
    (root / "label.txt").write_text("\n".join(lines) + "\n")
    t = build_transforms(TRANSFORMS, "Train.dataset.transforms", defaults={"label_list": ["0", "180"]})
    return SimpleDataSet([str(root / "label.txt")], t, data_dir=str(root), **kw)


def test_reads_samples_and_labels(tmp_path):
    ds = dataset(tmp_path, make_images(tmp_path, 4))
    assert len(ds) == 4
    s = ds[(0, 1)]
    assert s["image"].shape == (3, 16, 64) and s["label"] == 1 and s[BAD_KEY] == 0


def test_malformed_line_is_skipped_and_logged_with_file_and_line(tmp_path, logs):
    lines = make_images(tmp_path, 12)
    lines.insert(3, "imgs/0.png no tab here")
    ds = dataset(tmp_path, lines)
    assert len(ds) == 12
    assert any(f"{tmp_path / 'label.txt'}:4: skipping malformed label line" in r.getMessage()
               for r in logs.records)


def test_too_many_malformed_lines_is_an_error(tmp_path):
    lines = make_images(tmp_path, 4) + ["broken"] * 3
    with pytest.raises(DataError, match=r"3 of 7 label lines are malformed.*max_bad_sample_ratio=0.1"):
        dataset(tmp_path, lines)


def test_missing_label_file(tmp_path):
    t = build_transforms([], "x")
    with pytest.raises(DataError, match="label file not found: .*nope.txt"):
        SimpleDataSet([str(tmp_path / "nope.txt")], t)


@pytest.mark.parametrize("kind", ["corrupt", "missing"])
def test_bad_image_is_skipped_counted_and_logged(tmp_path, logs, kind):
    lines = make_images(tmp_path, 4, **{kind: (1,)})
    ds = dataset(tmp_path, lines)
    s = ds[(0, 1)]  # falls through to the next usable sample
    assert s[BAD_KEY] == 1 and s["label"] == 0  # sample 2 ("0")
    msg = "cannot decode image" if kind == "corrupt" else "cannot read image"
    assert any(f"label.txt:2 (imgs/1.png): {msg}" in r.getMessage() for r in logs.records)


def test_ratio_list_samples_a_share_per_epoch(tmp_path):
    lines = make_images(tmp_path, 10)
    (tmp_path / "b.txt").write_text("\n".join(lines[:2]) + "\n")
    (tmp_path / "label.txt").write_text("\n".join(lines) + "\n")
    t = build_transforms([], "x")
    ds = SimpleDataSet([str(tmp_path / "label.txt"), str(tmp_path / "b.txt")], t, data_dir=str(tmp_path),
                       ratio_list=[0.5, 2.0], seed=3)
    assert len(ds) == 5 + 4
    first = [ds[(1, i)]["img_path"] for i in range(5)]
    second = [ds[(2, i)]["img_path"] for i in range(5)]
    assert len(set(first)) == 5 and first != second  # re-drawn each epoch, no repeats within one
    assert [ds[(1, i)]["img_path"] for i in range(5)] == first  # but deterministic
    oversampled = [ds[(1, i)]["img_path"] for i in range(5, 9)]
    assert sorted(set(oversampled)) == sorted({str(tmp_path / "imgs/0.png"), str(tmp_path / "imgs/1.png")})


def test_augmentation_is_a_function_of_the_key(tmp_path):
    lines = make_images(tmp_path, 3)
    (tmp_path / "label.txt").write_text("\n".join(lines) + "\n")
    t = build_transforms([{"DecodeImage": None}, {"ClsLabelEncode": None}, {"BaseDataAugmentation": None},
                          {"RandAugment": None}, {"ClsResizeImg": {"image_shape": [3, 16, 64]}}], "x",
                         defaults={"label_list": ["0", "180"]})
    ds = SimpleDataSet([str(tmp_path / "label.txt")], t, data_dir=str(tmp_path), seed=1)
    a = ds[(5, 2)]["image"]
    ds[(5, 0)], ds[(6, 2)]  # other samples in between do not matter
    assert np.array_equal(a, ds[(5, 2)]["image"])
    assert not all(np.array_equal(ds[(e, 2)]["image"], a) for e in range(6, 10))


def test_extra_samples_reach_transforms_that_ask(tmp_path):
    from ppocr.registry import TRANSFORMS

    if "_GrabExtra" not in TRANSFORMS:
        @TRANSFORMS.register(name="_GrabExtra")
        class _GrabExtra:
            ext_data_num = 2

            def __call__(self, data):
                extra = data.pop("ext_data")
                data["n_extra"] = len(extra)
                data["extra_decoded"] = all(e["image"].ndim == 3 for e in extra)  # ran DecodeImage
                return data

    lines = make_images(tmp_path, 4)
    (tmp_path / "label.txt").write_text("\n".join(lines) + "\n")
    t = build_transforms([{"DecodeImage": None}, {"_GrabExtra": None}], "x")
    ds = SimpleDataSet([str(tmp_path / "label.txt")], t, data_dir=str(tmp_path))
    s = ds[(0, 0)]
    assert s["n_extra"] == 2 and s["extra_decoded"]


def test_lmdb_dataset_roundtrip_via_tool(tmp_path, repo):
    lines = make_images(tmp_path, 5, corrupt=(4,))
    (tmp_path / "label.txt").write_text("\n".join(lines) + "\n")
    out = tmp_path / "lmdb"
    r = subprocess.run([sys.executable, str(repo / "tools" / "make_lmdb.py"), "--label_file",
                        str(tmp_path / "label.txt"), "--data_dir", str(tmp_path), "--out", str(out),
                        "--max_bad_ratio", "0.5"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "wrote 4 samples" in r.stdout and "1 skipped" in r.stdout
    t = build_transforms(TRANSFORMS, "x", defaults={"label_list": ["0", "180"]})
    ds = LMDBDataSet(str(tmp_path), t)
    assert len(ds) == 4
    assert [ds[(0, i)]["label"] for i in range(4)] == [0, 1, 0, 1]


def test_lmdb_missing_dir(tmp_path):
    with pytest.raises(DataError, match="no LMDB database"):
        LMDBDataSet(str(tmp_path), build_transforms([], "x"))


def test_unknown_characters_are_reported_once_per_label_file(tmp_path, logs):
    from ppocr.charset import Charset
    from ppocr.data.loader import report_unknown_chars

    lines = [f"{p}\t{t}" for p, t in zip([ln.split("\t")[0] for ln in make_images(tmp_path, 3)],
                                         ["abc", "ab€", "€€"])]
    (tmp_path / "label.txt").write_text("\n".join(lines) + "\n")
    ds = SimpleDataSet([str(tmp_path / "label.txt")], build_transforms([], "x"), data_dir=str(tmp_path))
    report_unknown_chars(ds, Charset.from_characters(list("abc")))
    msgs = [r.getMessage() for r in logs.records if "outside the dictionary" in r.getMessage()]
    assert len(msgs) == 1
    assert "label.txt: 2 labels contain 3 characters outside the dictionary" in msgs[0]
    assert "'€' x3" in msgs[0] and "1 labels left empty are skipped" in msgs[0]

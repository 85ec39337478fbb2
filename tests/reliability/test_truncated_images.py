"""Cut-off JPEGs and PNGs (which OpenCV decodes with flat rows, no error) are refused: a bad sample
in training, an error line per image at inference (issue 15, item 6)."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from ppocr.data.datasets.base import BAD_KEY
from ppocr.data.datasets.simple import SimpleDataSet
from ppocr.data.transforms import build_transforms
from ppocr.errors import DataError
from ppocr.inference.images import decode_image, read_image
from ppocr.utils.image_bytes import truncation
from ppocr_synth.corrupt import write_cut_image
from tests.helpers import missing_oracle

CUTS = [1 / 3, 2 / 3, -10]
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.mark.parametrize("ext", [".jpg", ".png"])
@pytest.mark.parametrize("keep", CUTS)
def test_cut_file_is_truncated(tmp_path, ext, keep):
    data = Path(write_cut_image(str(tmp_path / f"a{ext}"), keep, ext)).read_bytes()
    assert truncation(data).startswith("truncated")


def test_opencv_alone_decodes_most_cut_jpegs(tmp_path):
    """Why the check exists: without it these would train as images with a flat bottom."""
    decoded = [cv2.imread(write_cut_image(str(tmp_path / f"{k}.jpg"), k)) is not None for k in CUTS]
    assert sum(decoded) >= 2


@pytest.mark.parametrize("trailer", [b"", b"\0" * 16, b" \r\n", b"appended by a camera"])
def test_whole_file_with_trailing_bytes_is_accepted(tmp_path, trailer):
    path = write_cut_image(str(tmp_path / "a.jpg"), 1, trailer=trailer)
    assert truncation(Path(path).read_bytes()) is None
    assert read_image(path).shape == (64, 200, 3)


@pytest.mark.parametrize("keep", CUTS)
def test_training_counts_a_cut_jpeg_as_bad_with_reason_truncated(tmp_path, logs, keep):
    write_cut_image(str(tmp_path / "cut.jpg"), keep)
    write_cut_image(str(tmp_path / "good.jpg"), 1)
    (tmp_path / "label.txt").write_text("cut.jpg\t0\ngood.jpg\t180\n")
    t = build_transforms([{"DecodeImage": {"img_mode": "BGR"}}], "Train.dataset.transforms")
    ds = SimpleDataSet([str(tmp_path / "label.txt")], t, data_dir=str(tmp_path))
    s = ds[(0, 0)]
    assert s[BAD_KEY] == 1 and s["img_path"].endswith("good.jpg")
    assert any("label.txt:1 (cut.jpg): truncated JPEG" in r.getMessage() for r in logs.records)


@pytest.mark.parametrize("keep", CUTS)
def test_inference_refuses_a_cut_jpeg(tmp_path, keep):
    path = write_cut_image(str(tmp_path / "cut.jpg"), keep)
    assert decode_image(Path(path).read_bytes()) is None
    with pytest.raises(DataError, match="cut.jpg: truncated JPEG"):
        read_image(path)
    with pytest.raises(DataError, match="truncated JPEG"):
        read_image(Path(path).read_bytes())


def test_infer_system_reports_each_cut_image_and_goes_on(tmp_path):
    """The error line tools/infer.py system prints for an image it cannot use."""
    from ppocr.inference.images import read_bytes, unreadable

    lines = [f"{p}\tERROR: {unreadable(read_bytes(p))}"
             for p in (write_cut_image(str(tmp_path / f"{i}.jpg"), k) for i, k in enumerate(CUTS))]
    assert all("ERROR: truncated JPEG" in line for line in lines)


def test_real_images_are_accepted():
    if not SHARED_DATA.is_dir():
        missing_oracle(f"{SHARED_DATA} is absent")
    paths = [os.path.join(d, f) for d, _, files in os.walk(SHARED_DATA) for f in files
             if f.lower().endswith((".jpg", ".jpeg", ".png"))]
    assert paths
    refused = [p for p in paths if truncation(Path(p).read_bytes())]
    assert not refused
    assert all(isinstance(read_image(p), np.ndarray) for p in paths[:20])

"""The released-model download is pinned (issue 15, item 5): the wheel and each ONNX file have a
sha256 in ppocr/pretrained/fetch.py, checked before import; a tampered copy (zero-filled ONNX files
of the right sizes, a changed wheel) is refused with one line saying what to do. Tampered copies
are built in tmp_path; the real cache is only read."""

from __future__ import annotations

import glob
import os
import shutil
import zipfile

import pytest
from helpers import REPO, missing_oracle

from ppocr.errors import CheckpointError
from ppocr.pretrained import fetch

REAL_CACHE = str(REPO / ".cache")
WHEEL_NAME = "rapidocr_onnxruntime-1.2.13-py3-none-any.whl"


@pytest.fixture(scope="module")
def real_wheel() -> str:
    wheels = glob.glob(os.path.join(REAL_CACHE, fetch.WHEEL_GLOB))
    if not wheels:
        missing_oracle("the rapidocr-onnxruntime wheel is not in .cache (run `make weights`)")
    return wheels[0]


def _zero_filled_wheel(path) -> str:
    """A wheel of the right name whose ONNX files are zeros of the released sizes."""
    with zipfile.ZipFile(path, "w") as z:
        for name, (size, _) in fetch.RELEASED.items():
            z.writestr(fetch.MODELS_IN_WHEEL + name, bytes(size))
    return str(path)


def _assert_one_line_advice(e, path):
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(f"{path}: sha256 ")
    assert f"delete {path} and re-run `make pretrained`" in msg and fetch.PINS in msg


def test_zero_filled_wheel_is_refused(tmp_path):
    wheel = _zero_filled_wheel(tmp_path / WHEEL_NAME)
    with pytest.raises(CheckpointError) as e:
        fetch.fetch_release(str(tmp_path))
    _assert_one_line_advice(e, wheel)
    assert not os.path.exists(fetch.models_dir(str(tmp_path)))  # nothing extracted


def test_zero_filled_onnx_of_the_right_size_is_refused(tmp_path):
    for name, (size, _) in fetch.RELEASED.items():
        os.makedirs(fetch.models_dir(str(tmp_path)), exist_ok=True)
        with open(fetch.released_path(name, str(tmp_path)), "wb") as f:
            f.write(bytes(size))
    assert not fetch.have_release(str(tmp_path))
    name = "ch_PP-OCRv3_det_infer.onnx"
    with pytest.raises(CheckpointError) as e:
        fetch.checked_path(name, str(tmp_path))
    _assert_one_line_advice(e, fetch.released_path(name, str(tmp_path)))


def test_import_release_checks_the_onnx_digest(tmp_path):
    from ppocr.pretrained.release import RELEASES, import_release

    release = RELEASES[-1]
    os.makedirs(fetch.models_dir(str(tmp_path)), exist_ok=True)
    with open(fetch.released_path(release.onnx, str(tmp_path)), "wb") as f:
        f.write(bytes(fetch.RELEASED[release.onnx][0]))
    with pytest.raises(CheckpointError, match="sha256"):
        import_release(release, str(tmp_path / "out"), str(tmp_path))
    assert not (tmp_path / "out").exists()


def test_changed_wheel_is_refused(tmp_path, real_wheel):
    wheel = tmp_path / WHEEL_NAME
    data = bytearray(open(real_wheel, "rb").read())
    data[len(data) // 2] ^= 0xFF
    wheel.write_bytes(bytes(data))
    with pytest.raises(CheckpointError) as e:
        fetch.fetch_release(str(tmp_path))
    _assert_one_line_advice(e, str(wheel))


def test_pip_download_requires_the_pinned_hash(tmp_path, real_wheel):
    """``pip download --require-hashes`` (offline, from a local --find-links folder) takes the real
    wheel and refuses a changed one."""
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir(), bad.mkdir()
    shutil.copy(real_wheel, good / WHEEL_NAME)
    _zero_filled_wheel(bad / WHEEL_NAME)
    with pytest.raises(CheckpointError, match="Expected sha256 " + fetch.WHEEL_SHA256):
        fetch.download(str(tmp_path / "c1"), ["--no-index", "--find-links", str(bad)])
    assert not glob.glob(str(tmp_path / "c1" / "*.whl"))
    got = fetch.download(str(tmp_path / "c2"), ["--no-index", "--find-links", str(good)])
    assert fetch.sha256(got) == fetch.WHEEL_SHA256


def test_tampered_extracted_files_are_restored_from_the_pinned_wheel(tmp_path, real_wheel):
    shutil.copy(real_wheel, tmp_path / WHEEL_NAME)
    fetch.fetch_release(str(tmp_path))
    name = "ch_ppocr_mobile_v2.0_cls_infer.onnx"
    path = fetch.released_path(name, str(tmp_path))
    with open(path, "wb") as f:
        f.write(bytes(fetch.RELEASED[name][0]))
    assert not fetch.have_release(str(tmp_path))
    fetch.fetch_release(str(tmp_path))
    assert fetch.have_release(str(tmp_path))


def test_the_real_cache_passes(real_wheel):
    assert fetch.sha256(real_wheel) == fetch.WHEEL_SHA256
    if not fetch.have_release(REAL_CACHE):
        missing_oracle("the released ONNX files are not extracted in .cache (run `make weights`)")
    for name in fetch.RELEASED:
        assert fetch.checked_path(name, REAL_CACHE) == fetch.released_path(name, REAL_CACHE)

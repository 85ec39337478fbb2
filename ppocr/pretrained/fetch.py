"""Fetch PaddleOCR's released PP-OCRv3 models (ONNX) from the rapidocr-onnxruntime wheel on PyPI.

The wheel (Apache-2.0) carries ``ch_PP-OCRv3_det``, ``ch_PP-OCRv3_rec`` (its dictionary in the ONNX
metadata) and ``ch_ppocr_mobile_v2.0_cls``. It is downloaded with ``pip download --no-deps
--require-hashes`` against the pinned sha256 below (never installed: it would pull a second
OpenCV) and only the three ONNX files are extracted. The wheel is checked against its pin before
extraction and every ONNX file against its own before use, so a tampered or truncated cache file
is refused with a line saying what to do. Re-running is a no-op once the files are there and match.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile
import zipfile

from ppocr.errors import CheckpointError
from ppocr.utils.io import file_sha256
from ppocr.utils.logging import get_logger
from ppocr.utils.paths import download_cache

WHEEL = "rapidocr-onnxruntime==1.2.13"
WHEEL_GLOB = "rapidocr_onnxruntime-1.2.13-*.whl"
# sha256 of rapidocr_onnxruntime-1.2.13-py3-none-any.whl as published on PyPI
WHEEL_SHA256 = "5a88f030a768072f43ceb63992ca683c6d63a39cf7d19987ea261b9d5ba941f2"
MODELS_IN_WHEEL = "rapidocr_onnxruntime/models/"
# file -> (size in bytes, sha256) in rapidocr-onnxruntime 1.2.13 (a changed file is refused)
RELEASED = {
    "ch_PP-OCRv3_det_infer.onnx":
        (2432880, "3439588c030faea393a54515f51e983d8e155b19a2e8aba7891934c1cf0de526"),
    "ch_PP-OCRv3_rec_infer.onnx":
        (10690752, "897a3ededb38fee0dae2c1ccee38241f37df202c9509e3abca02e9217c5ee615"),
    "ch_ppocr_mobile_v2.0_cls_infer.onnx":
        (585532, "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c"),
}
DEFAULT_CACHE = None  # ppocr.utils.paths.download_cache(): $PPOCR_CACHE, a checkout's .cache/, ~/.cache/ppocr
PINS = "ppocr/pretrained/fetch.py"


def resolve_cache(cache: str | None) -> str:
    """``cache``, or the default download cache when it is None."""
    return str(download_cache()) if cache is None else cache


def models_dir(cache: str | None = DEFAULT_CACHE) -> str:
    cache = resolve_cache(cache)
    return os.path.join(cache, "rapidocr", MODELS_IN_WHEEL)


def released_path(name: str, cache: str | None = DEFAULT_CACHE) -> str:
    return os.path.join(models_dir(cache), name)


sha256 = file_sha256


def _mismatch(path: str, got: str, want: str, what: str) -> CheckpointError:
    return CheckpointError(
        f"{path}: sha256 {got} is not the pinned {want} of {what}; delete {path} and re-run "
        f"`make pretrained` (if the digests changed upstream, the pins are in {PINS})")


def _matches(name: str, cache: str) -> bool:
    path = released_path(name, cache)
    size, digest = RELEASED[name]
    return os.path.isfile(path) and os.path.getsize(path) == size and sha256(path) == digest


def have_release(cache: str | None = DEFAULT_CACHE) -> bool:
    """All three ONNX files are in the cache with their pinned digests."""
    return all(_matches(n, cache) for n in RELEASED)


def checked_path(name: str, cache: str | None = DEFAULT_CACHE) -> str:
    """The cached ONNX file ``name``, refused (CheckpointError) unless its sha256 is the pinned one."""
    path = released_path(name, cache)
    if not os.path.isfile(path):
        raise CheckpointError(f"{path}: missing; run `ppocr-pretrained` (or `make pretrained` in a checkout) "
                              f"to fetch {WHEEL}")
    got = sha256(path)
    if got != RELEASED[name][1]:
        raise _mismatch(path, got, RELEASED[name][1], f"{name} in {WHEEL}")
    return path


def check_wheel(path: str) -> str:
    got = sha256(path)
    if got != WHEEL_SHA256:
        raise _mismatch(path, got, WHEEL_SHA256, WHEEL)
    return path


def download(cache: str, pip_args: tuple | list = ()) -> str:
    """``pip download`` the wheel into ``cache`` with its hash required (pip refuses any other
    file); ``pip_args`` adds pip options (tests point ``--find-links`` at a local folder)."""
    os.makedirs(cache, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        req = os.path.join(tmp, "requirements.txt")
        with open(req, "w") as f:
            f.write(f"{WHEEL} --hash=sha256:{WHEEL_SHA256}\n")
        r = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                            "--require-hashes", "--quiet", "-r", req, "-d", cache, *pip_args],
                           capture_output=True, text=True)
    wheels = glob.glob(os.path.join(cache, WHEEL_GLOB))
    if r.returncode != 0 or not wheels:
        detail = " ".join(r.stderr.split())
        detail = detail[detail.find("Expected sha256"):] if "Expected sha256" in detail else detail[-500:]
        raise CheckpointError(f"pip download {WHEEL} (sha256 pinned in {PINS}) failed: {detail}")
    return check_wheel(wheels[0])


def fetch_release(cache: str | None = DEFAULT_CACHE) -> str:
    """Download (once) and extract the three ONNX models, each checked against its pin; returns
    their folder."""
    cache = resolve_cache(cache)
    log = get_logger()
    if have_release(cache):
        return models_dir(cache)
    wheels = glob.glob(os.path.join(cache, WHEEL_GLOB))
    if wheels:
        wheel = check_wheel(wheels[0])
    else:
        log.info(f"downloading {WHEEL} (PyPI) into {cache}")
        wheel = download(cache)
    try:
        with zipfile.ZipFile(wheel) as z:
            for name in RELEASED:
                z.extract(MODELS_IN_WHEEL + name, os.path.join(cache, "rapidocr"))
    except (zipfile.BadZipFile, KeyError) as e:  # cannot happen for the pinned wheel
        raise CheckpointError(f"{wheel}: not the expected wheel ({e}); delete it and re-run "
                              f"`make pretrained`") from None
    for name in RELEASED:
        checked_path(name, cache)
    log.info(f"released PP-OCRv3 models in {models_dir(cache)} (sha256 checked)")
    return models_dir(cache)

"""Fetch PaddleOCR's released PP-OCRv3 models (ONNX) from the rapidocr-onnxruntime wheel on PyPI.

The wheel (Apache-2.0) carries ``ch_PP-OCRv3_det``, ``ch_PP-OCRv3_rec`` (its dictionary in the ONNX
metadata) and ``ch_ppocr_mobile_v2.0_cls``. It is downloaded with ``pip download --no-deps`` (never
installed: it would pull a second OpenCV) and only the three ONNX files are extracted. Re-running is
a no-op once the files are there with the expected sizes.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import zipfile

from ppocr.errors import CheckpointError
from ppocr.utils.logging import get_logger

WHEEL = "rapidocr-onnxruntime==1.2.13"
MODELS_IN_WHEEL = "rapidocr_onnxruntime/models/"
# file -> size in bytes in rapidocr-onnxruntime 1.2.13 (a changed file is refused)
RELEASED = {
    "ch_PP-OCRv3_det_infer.onnx": 2432880,
    "ch_PP-OCRv3_rec_infer.onnx": 10690752,
    "ch_ppocr_mobile_v2.0_cls_infer.onnx": 585532,
}
DEFAULT_CACHE = ".cache"


def models_dir(cache: str = DEFAULT_CACHE) -> str:
    return os.path.join(cache, "rapidocr", MODELS_IN_WHEEL)


def released_path(name: str, cache: str = DEFAULT_CACHE) -> str:
    return os.path.join(models_dir(cache), name)


def have_release(cache: str = DEFAULT_CACHE) -> bool:
    return all(os.path.isfile(released_path(n, cache)) and os.path.getsize(released_path(n, cache)) == size
               for n, size in RELEASED.items())


def fetch_release(cache: str = DEFAULT_CACHE) -> str:
    """Download (once) and extract the three ONNX models; returns their folder."""
    log = get_logger()
    if have_release(cache):
        return models_dir(cache)
    os.makedirs(cache, exist_ok=True)
    wheels = glob.glob(os.path.join(cache, "rapidocr_onnxruntime-1.2.13-*.whl"))
    if not wheels:
        log.info(f"downloading {WHEEL} (PyPI) into {cache}")
        r = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", WHEEL,
                            "-d", cache], capture_output=True, text=True)
        wheels = glob.glob(os.path.join(cache, "rapidocr_onnxruntime-1.2.13-*.whl"))
        if r.returncode != 0 or not wheels:
            raise CheckpointError(f"pip download {WHEEL} failed: {r.stderr.strip()[-500:]}")
    try:
        with zipfile.ZipFile(wheels[0]) as z:
            for name in RELEASED:
                z.extract(MODELS_IN_WHEEL + name, os.path.join(cache, "rapidocr"))
    except (zipfile.BadZipFile, KeyError) as e:
        os.remove(wheels[0])  # a broken download: the next run fetches it again
        raise CheckpointError(f"{wheels[0]}: not the expected wheel ({e}); removed, run again") from None
    for name, size in RELEASED.items():
        got = os.path.getsize(released_path(name, cache))
        if got != size:
            raise CheckpointError(f"{released_path(name, cache)}: {got} bytes, expected {size} "
                                  f"(not the {WHEEL} release)")
    log.info(f"released PP-OCRv3 models in {models_dir(cache)}")
    return models_dir(cache)

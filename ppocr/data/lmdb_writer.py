"""Convert PaddleOCR label files (and their images) into one LMDB database."""

from __future__ import annotations

import os

import cv2
import numpy as np

from ppocr.data.datasets.lmdb_dataset import write_lmdb
from ppocr.data.datasets.simple import read_label_file
from ppocr.errors import DataError
from ppocr.utils.logging import get_logger


def label_files_to_lmdb(label_files: list[str], data_dir: str, out_dir: str,
                        max_bad_ratio: float = 0.1) -> tuple[int, int]:
    """Returns (written, skipped). Unreadable or undecodable images are skipped with their line."""
    entries = [(f, e) for f in label_files for e in read_label_file(f, "\t", max_bad_ratio)]
    skipped = 0
    log = get_logger()

    def samples():
        nonlocal skipped
        for label_file, (img, label, no) in entries:
            path = os.path.join(data_dir, img)
            try:
                with open(path, "rb") as fh:
                    buf = fh.read()
            except OSError as e:
                skipped += 1
                log.warning(f"{label_file}:{no}: skipping {path}: {e.strerror}")
                continue
            if cv2.imdecode(np.frombuffer(buf, np.uint8), cv2.IMREAD_COLOR) is None:
                skipped += 1
                log.warning(f"{label_file}:{no}: skipping {path}: cannot decode image")
                continue
            yield buf, label

    written = write_lmdb(out_dir, samples())
    if entries and skipped > max_bad_ratio * len(entries):
        raise DataError(f"{skipped} of {len(entries)} images were unusable (more than {max_bad_ratio:.0%}); "
                        f"{out_dir} holds the {written} good ones")
    return written, skipped

"""UnlabeledImageDataSet: images without labels, for self-supervised pre-training (TextRotNet).

The images are every image file below ``data_dir`` (sorted, recursively), or the paths listed in
``list_file`` (one per line, relative to ``data_dir``). A list line may carry a tab and a label, so a
PaddleOCR label file serves as a list too; the label is not read. Samples are
``{"img_path", "image": bytes}``: the transforms make the targets (SSLRotateResize). Missing and
undecodable images are skipped and counted like SimpleDataSet's (see BaseDataSet).
"""

from __future__ import annotations

import os

from ppocr.data.datasets.base import BaseDataSet
from ppocr.data.transforms.base import BadSample, Compose
from ppocr.errors import ConfigError, DataError
from ppocr.registry import DATASETS
from ppocr.utils.paths import where_looked

IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")


def find_images(folder: str, where: str) -> list[str]:
    """Image files below ``folder``, as paths relative to it, sorted. ``where`` names the setting
    in messages (``Train.dataset.data_dir``, ``--image_dir``)."""
    if not os.path.isdir(folder):
        raise DataError(f"{where}: no such folder: {folder}{where_looked(folder)}")
    found = sorted(os.path.relpath(os.path.join(d, f), folder)
                   for d, _, files in os.walk(folder) for f in files if f.lower().endswith(IMAGE_EXTS))
    if not found:
        raise DataError(f"{where}: no images ({', '.join(IMAGE_EXTS)}) below {folder}")
    return found


def read_image_list(path: str, where: str) -> list[tuple[str, int]]:
    """(image path, line number) per non-empty line; text after a tab is ignored."""
    if not os.path.isfile(path):
        raise DataError(f"{where}: not found: {path}")
    entries = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for no, line in enumerate(f, 1):
            img = line.rstrip("\r\n").split("\t", 1)[0].strip()
            if img:
                entries.append((img, no))
    if not entries:
        raise DataError(f"{where}: {path} lists no images")
    return entries


@DATASETS.register
class UnlabeledImageDataSet(BaseDataSet):
    def __init__(self, transforms: Compose, data_dir: str = "", list_file: str | None = None,
                 seed: int = 0, where: str = "dataset"):
        super().__init__(transforms, seed, where)
        if not data_dir and not list_file:
            raise ConfigError(f"{where}: give data_dir (a folder of images) or list_file (image paths)")
        self.data_dir = data_dir or ""
        self.list_file = list_file
        if list_file:
            self.items = read_image_list(list_file, f"{where}.list_file")
        else:
            self.items = [(p, 0) for p in find_images(self.data_dir, f"{where}.data_dir")]

    def __len__(self) -> int:
        return len(self.items)

    def describe(self, i: int) -> str:
        img, no = self.items[i]
        return f"{self.list_file}:{no} ({img})" if self.list_file else os.path.join(self.data_dir, img)

    def load(self, i: int) -> dict:
        path = os.path.join(self.data_dir, self.items[i][0])
        try:
            with open(path, "rb") as fh:
                buf = fh.read()
        except OSError as e:
            raise BadSample(f"cannot read image {path}: {e.strerror}", "unreadable") from None
        return {"img_path": path, "image": buf}

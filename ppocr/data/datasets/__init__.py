"""Datasets; importing this package registers them."""

from ppocr.data.datasets import lmdb_dataset, simple, unlabeled  # noqa: F401

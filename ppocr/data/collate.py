"""Collate a list of sample dicts into a batch dict.

``collate`` (the default) stacks one entry per sample. ``ssl_rotate_collate`` (PaddleOCR's
``SSLRotateCollate``) is for samples that are several model inputs each (SSLRotateResize: the four
rotations of a line): it concatenates them, so N samples of 4 images make a batch of 4N.
A loader picks one with ``loader.collate_fn`` (:func:`get_collate`).
"""

from __future__ import annotations

import numbers

import numpy as np

from ppocr.data import batch_slots
from ppocr.errors import ConfigError, DataError
from ppocr.registry import did_you_mean


def collate(samples: list[dict], empty=None) -> dict:
    """Stack arrays of equal shape and numbers; keep anything else (polygons, paths) as a list.
    ``empty(shape, dtype)`` (np.empty's form) gives the stacked arrays' memory, e.g. shared
    memory in a loader worker (:mod:`ppocr.data.shm_workers`). Arrays the transforms wrote into
    the rows of a batch array (:mod:`ppocr.data.batch_slots`) are that array, not copied."""
    batch = {}
    for key in samples[0]:
        values = [s[key] for s in samples]
        first = values[0]
        rows_of = batch_slots.whole(key, values)
        if rows_of is not None:
            batch[key] = rows_of
        elif isinstance(first, np.ndarray) and all(
                isinstance(v, np.ndarray) and v.shape == first.shape for v in values):
            if empty is not None and all(v.dtype == first.dtype for v in values):
                batch[key] = np.stack(values, out=empty((len(values),) + first.shape, first.dtype))
            else:
                batch[key] = np.stack(values)
        elif isinstance(first, (numbers.Number, np.generic)) and not isinstance(first, bool) \
                and not key.startswith("_"):
            batch[key] = np.asarray(values)
        else:
            batch[key] = values
    return batch


def ssl_rotate_collate(samples: list[dict], empty=None) -> dict:
    """Concatenate samples of ``k`` images each (``image`` [k, C, H, W], ``label`` [k]) into one
    batch of ``k * N``. Other arrays with ``k`` rows are concatenated too; per-sample values (paths)
    are repeated ``k`` times so they stay aligned with the rows; bookkeeping keys (``_bad``) are
    kept one per sample. (``empty`` is accepted and not used: the arrays are concatenated.)"""
    first = samples[0].get("image")
    if not isinstance(first, np.ndarray) or first.ndim != 4:
        raise DataError(f"collate_fn SSLRotateCollate: expected each sample's image as [k, C, H, W] "
                        f"(SSLRotateResize in the transforms), got "
                        f"{getattr(first, 'shape', type(first).__name__)}")
    k = first.shape[0]
    batch = {}
    for key in samples[0]:
        values = [s[key] for s in samples]
        if key.startswith("_"):
            batch[key] = values
        elif all(isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == k for v in values):
            batch[key] = np.concatenate(values, axis=0)
        else:
            batch[key] = [v for v in values for _ in range(k)]
    return batch


COLLATE_FNS = {"default": collate, "SSLRotateCollate": ssl_rotate_collate}


def get_collate(name: str | None, where: str = "loader"):
    """The collate function a ``loader.collate_fn`` names (None: the default)."""
    if name is None:
        return collate
    if name not in COLLATE_FNS:
        raise ConfigError(f"{where}.collate_fn: unknown collate function '{name}';"
                          f"{did_you_mean(name, COLLATE_FNS)} known: {', '.join(COLLATE_FNS)}")
    return COLLATE_FNS[name]

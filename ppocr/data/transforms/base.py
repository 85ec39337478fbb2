"""What every transform shares: the sample contract, errors, and the pipeline.

A transform is a callable ``data: dict -> dict | None`` whose constructor keys are the config keys.
- Return ``None`` to drop a sample on purpose (a label too long, a crop that fits nothing): the
  dataset takes the next sample and counts it as *filtered*.
- Raise :class:`BadSample` when the input itself is unusable (undecodable image, broken polygon):
  the dataset logs file and line, counts it as *bad* and fails past ``Global.max_bad_sample_ratio``.
Randomness uses the global ``random`` and ``numpy.random`` generators; the dataset seeds them per
sample from (seed, epoch, index), so augmentation is reproducible, resumable and independent of
the number of loader workers.
A transform that needs other samples (TextConAug) sets ``ext_data_num``; the dataset then adds
``data['ext_data']``: that many other samples, run through the transforms before this one.

A transform class describes itself to export and inference (which never match transform names):
- ``training_only = True``: it makes training targets or augments; inference drops it.
- ``inference_keys``: the sample keys inference needs after it (default ``("image",)``;
  DetResizeForTest adds ``shape``, which the box post-processing reads).
- ``input_shape(args) -> [C, H, W] | None`` (a static method over its config arguments): the model
  input it produces; ``varying_axes``: those of C, H, W that vary at inference (RecResizeImg: the
  width). Export takes the exported input shape from them, the line batcher the line size.
- ``inference_params``: arguments an inference tool may set (DetResizeForTest's limit), see
  :func:`with_inference_params`.
- an instance's ``collate_fn``: the loader collate its output needs (None: the default).
- ``followed_by(next_op)``: told by :class:`Compose` which transform comes next, so that it may
  lay out its output for it (NormalizeImage before ToCHWImage writes channel planes); the values
  must stay the same whatever it is told.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ppocr.errors import ConfigError, DataError, PPOCRError
from ppocr.registry import TRANSFORMS


class BadSample(Exception):
    """The sample's image or label cannot be used; ``reason`` is a short category for the per-epoch
    summary (``too long``, ``empty``, ``out of dictionary``, ``unreadable``, ``truncated``, ...)."""

    def __init__(self, message: str, reason: str = "unusable"):
        super().__init__(message)
        self.reason = reason


# the reasons a per-epoch summary names, in a fixed order (a sample carries its reason's index)
BAD_REASONS = ("unusable", "too long", "empty", "out of dictionary", "unreadable", "truncated",
               "undecodable")


class Compose:
    """Apply transforms in order; ``None`` from any of them drops the sample. Any other error than
    BadSample or a ppocr error (a transform given what it cannot take, e.g. bytes after DecodeImage
    was removed from the list) is a DataError naming the transform and the sample."""

    def __init__(self, ops: list[Callable]):
        self.ops = ops
        for op, nxt in zip(ops, ops[1:]):  # a transform may lay out its output for the next one
            followed_by = getattr(op, "followed_by", None)
            if callable(followed_by):
                followed_by(nxt)

    def __call__(self, data: dict, start: int = 0, stop: int | None = None) -> dict | None:
        for op in self.ops[start:stop]:
            try:
                data = op(data)
            except (BadSample, PPOCRError):
                raise
            except Exception as e:  # noqa: BLE001 - reported as one line naming the transform
                where = data.get("img_path") if isinstance(data, dict) else None
                raise DataError(f"transform {type(op).__name__} failed{f' on {where}' if where else ''}: "
                                f"{type(e).__name__}: {e} (check the order and presence of the "
                                f"transforms before it)") from e
            if data is None:
                return None
        return data

    def __len__(self) -> int:
        return len(self.ops)


def build_transforms(items: list | None, where: str, defaults: dict | None = None,
                     **provided: Any) -> Compose:
    """Build PaddleOCR's single-key list form: ``[{DecodeImage: {img_mode: BGR}}, ...]``.

    ``provided`` (the charset) and ``defaults`` (Global values such as label_list or
    max_text_length) go to the transforms whose constructors take them.
    """
    if items is None:
        return Compose([])
    if not isinstance(items, list):
        raise ConfigError(f"{where}: expected a list of transforms, got {type(items).__name__}")
    ops = []
    for i, item in enumerate(items):
        at = f"{where}[{i}]"
        if isinstance(item, str):
            item = {item: None}
        if not isinstance(item, dict) or len(item) != 1:
            raise ConfigError(f"{at}: each transform is a single-key mapping like "
                              f"'- DecodeImage: {{img_mode: BGR}}', got {item!r}")
        (name, args), = item.items()
        if args is not None and not isinstance(args, dict):
            raise ConfigError(f"{at}.{name}: arguments must be a mapping, got {args!r}")
        ops.append(TRANSFORMS.build_named(name, args, f"{at}.{name}", defaults, **provided))
    return Compose(ops)


# -- what transforms declare ----------------------------------------------------------------------
def _items(items: list | None) -> list[tuple[str, dict, type]]:
    out = []
    for item in items or []:
        if isinstance(item, str):
            item = {item: None}
        (name, args), = item.items()
        out.append((name, dict(args or {}), TRANSFORMS.get(name, "transforms")))
    return out


def inference_transforms(items: list | None) -> list:
    """A transform list (config form) for inference: the steps that are not ``training_only``,
    ending with a KeepKeys of the keys they declare (``inference_keys``)."""
    out, keys = [], ["image"]
    for name, args, cls in _items(items):
        if getattr(cls, "training_only", False):
            continue
        out.append({name: args or None})
        keys += [k for k in getattr(cls, "inference_keys", ()) if k not in keys]
    out.append({"KeepKeys": {"keep_keys": keys}})
    return out


def input_shape(items: list | None, exported: bool = False) -> list[int] | None:
    """[C, H, W] of the model input the transforms produce, from the last transform that declares
    one (None when none does); ``exported``: -1 on the axes that vary at inference."""
    shape = None
    for _, args, cls in _items(items):
        fn = getattr(cls, "input_shape", None)
        found = fn(args) if fn is not None else None
        if found is not None:
            shape = [int(v) for v in found]
            if exported:
                for axis in getattr(cls, "varying_axes", ()):
                    shape[axis] = -1
    return shape


def with_inference_params(items: list | None, where: str = "PreProcess", **params: Any) -> list:
    """``items`` with ``params`` set on every transform that declares them all in
    ``inference_params`` (e.g. the detector's resize limit); an error if none does."""
    out, found = [], False
    for name, args, cls in _items(items):
        if set(params) <= set(getattr(cls, "inference_params", ())):
            args = {**args, **params}
            found = True
        out.append({name: args or None})
    if not found:
        raise ConfigError(f"{where}: no transform takes {', '.join(sorted(params))} "
                          f"(has {', '.join(name for name, _, _ in _items(items))})")
    return out

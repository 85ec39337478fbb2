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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS


class BadSample(Exception):
    """The sample's image or label cannot be used."""


class Compose:
    """Apply transforms in order; ``None`` from any of them drops the sample."""

    def __init__(self, ops: list[Callable]):
        self.ops = ops

    def __call__(self, data: dict, start: int = 0, stop: int | None = None) -> dict | None:
        for op in self.ops[start:stop]:
            data = op(data)
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

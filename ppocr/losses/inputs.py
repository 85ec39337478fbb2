"""Picking a loss's inputs out of the model's output dict and the batch, with errors that say why."""

from __future__ import annotations

import paddle

from ppocr.errors import ConfigError, DataError


def as_tensor(x, dtype: str | None = None) -> paddle.Tensor:
    """numpy / list / Tensor -> Tensor (cast to ``dtype`` when given and different)."""
    t = x if isinstance(x, paddle.Tensor) else paddle.to_tensor(x)
    return t.astype(dtype) if dtype and t.dtype != getattr(paddle, dtype) else t


def output_value(outputs, key: str, who: str):
    """``outputs[key]``; a bare tensor is taken as that output (the distillation adapter passes one)."""
    if not isinstance(outputs, dict):
        return outputs
    if outputs.get(key) is None:
        raise ConfigError(f"{who}: the model gives no '{key}' output (it gives {sorted(outputs)}); "
                          f"does the Head have that branch, and is the model in training mode?")
    return outputs[key]


def batch_value(batch: dict, keys: tuple[str, ...], who: str):
    """The first of ``keys`` present in the batch."""
    for key in keys:
        if batch.get(key) is not None:
            return batch[key]
    raise DataError(f"{who}: the batch has no {' or '.join(repr(k) for k in keys)} (the label encoder "
                    f"in the transforms makes it and KeepKeys must keep it); batch keys: {sorted(batch)}")

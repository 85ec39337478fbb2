"""Optimizers with PaddleOCR's config keys: Adam, AdamW, Momentum (+ L1/L2 regularizer, clipping).

``learning_rate`` (a float or a schedule) and ``parameters`` are provided by the builder;
``parameters`` is a list of ``(structured name, parameter)`` pairs of the trainable parameters.
"""

from __future__ import annotations

import fnmatch

import paddle

from ppocr.errors import ConfigError
from ppocr.registry import OPTIMIZERS


def _regularizer(reg: dict | None):
    if not reg:
        return None
    name, factor = reg.get("name"), float(reg.get("factor", 0.0))
    unknown = set(reg) - {"name", "factor"}
    if unknown:
        raise ConfigError(f"Optimizer.regularizer: unknown key(s) {sorted(unknown)}; accepts name, factor")
    if name == "L2":
        return paddle.regularizer.L2Decay(factor)
    if name == "L1":
        return paddle.regularizer.L1Decay(factor)
    raise ConfigError(f"Optimizer.regularizer.name: '{name}' is not L1 or L2")


def _clip(clip_norm: float | None, clip_norm_global: float | None):
    if clip_norm and clip_norm_global:
        raise ConfigError("Optimizer: set clip_norm or clip_norm_global, not both")
    if clip_norm:
        return paddle.nn.ClipGradByNorm(float(clip_norm))
    if clip_norm_global:
        return paddle.nn.ClipGradByGlobalNorm(float(clip_norm_global))
    return None


@OPTIMIZERS.register
def Adam(learning_rate, parameters, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8,
         regularizer: dict | None = None, clip_norm: float | None = None,
         clip_norm_global: float | None = None, lazy_mode: bool = False):
    return paddle.optimizer.Adam(learning_rate=learning_rate, beta1=beta1, beta2=beta2, epsilon=epsilon,
                                 parameters=[p for _, p in parameters],
                                 weight_decay=_regularizer(regularizer),
                                 grad_clip=_clip(clip_norm, clip_norm_global), lazy_mode=lazy_mode)


@OPTIMIZERS.register
def AdamW(learning_rate, parameters, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8,
          weight_decay: float = 0.01, no_weight_decay_name: str | list | None = None,
          one_dim_param_no_weight_decay: bool = False, clip_norm: float | None = None,
          clip_norm_global: float | None = None):
    """Decoupled weight decay; parameters matching ``no_weight_decay_name`` (space-separated
    substrings or glob patterns) and, optionally, all 1-D parameters are not decayed."""
    patterns = no_weight_decay_name.split() if isinstance(no_weight_decay_name, str) \
        else list(no_weight_decay_name or [])
    params = [p for _, p in parameters]
    exempt = set()
    for name, p in parameters:
        if (one_dim_param_no_weight_decay and len(p.shape) == 1) or any(
                pat in name or fnmatch.fnmatch(name, pat) for pat in patterns):
            exempt.add(p.name)
    return paddle.optimizer.AdamW(learning_rate=learning_rate, beta1=beta1, beta2=beta2, epsilon=epsilon,
                                  parameters=params, weight_decay=float(weight_decay),
                                  apply_decay_param_fun=lambda name: name not in exempt,
                                  grad_clip=_clip(clip_norm, clip_norm_global))


@OPTIMIZERS.register
def Momentum(learning_rate, parameters, momentum: float = 0.9, regularizer: dict | None = None,
             clip_norm: float | None = None, clip_norm_global: float | None = None,
             use_nesterov: bool = False):
    return paddle.optimizer.Momentum(learning_rate=learning_rate, momentum=momentum,
                                     parameters=[p for _, p in parameters],
                                     use_nesterov=use_nesterov, weight_decay=_regularizer(regularizer),
                                     grad_clip=_clip(clip_norm, clip_norm_global))

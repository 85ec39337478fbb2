"""The ``Global`` section: one typed schema, checked when a config is loaded, resolved to :class:`Settings`.

:class:`Settings` *is* the schema: each field's annotation is the type a config value must have
(see :mod:`ppocr.value_check`), its default the value of an absent key, and ``valid`` in its metadata
an extra range or shape rule. ``docs/config.md`` lists the keys.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from ppocr.errors import ConfigError
from ppocr.registry import did_you_mean, warn_ignored
from ppocr.value_check import describe, matches, simple_type


def _key(default: Any = None, rule: tuple | None = None):
    """A schema field: ``rule`` is (predicate, what it requires, e.g. '>= 1')."""
    meta = {"valid": rule} if rule else {}
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=meta)
    return field(default=default, metadata=meta)


def at_least(low: int):
    return (lambda v: v >= low), f">= {low}"


def _eval_step_ok(v) -> bool:
    return v >= 1 if isinstance(v, int) else (v[0] >= 0 and v[1] >= 1)


@dataclass(frozen=True)
class Settings:
    """Global, validated and with its defaults; build it with :func:`settings`."""

    use_gpu: bool = True                    # use a GPU when Paddle has one; CPU otherwise (with a warning)
    epoch_num: int = _key(1, at_least(0))   # training length in epochs (>= 1 unless max_iters > 0) ...
    max_iters: int = _key(0, at_least(0))   # ... or in iterations when > 0 (then it wins)
    log_smooth_window: int = _key(20, at_least(1))  # moving-average window of the logged losses
    print_batch_step: int = _key(10, at_least(1))   # one console line every N iterations
    save_model_dir: str = "./output"        # checkpoints, logs and the resolved config go here
    save_epoch_step: int = _key(1, at_least(1))     # write iter_epoch_N every N epochs
    save_latest_step: int = _key(0, at_least(0))    # also refresh `latest` every N iterations (0: epoch ends)
    # [start, every] iterations, or a bare `every`
    eval_batch_step: tuple[int, int] | int = _key(
        [0, 1000], (_eval_step_ok, "[start, every] with start >= 0 and every >= 1, or every >= 1"))
    eval_epoch_end: bool = False            # also evaluate at the end of every epoch
    cal_metric_during_train: bool = False
    pretrained_model: str | None = None     # weights only (file, prefix or checkpoint directory)
    allow_mismatch: list[str] = _key([])    # glob patterns of parameters pretrained_model may not fill
    checkpoints: str | None = None          # resume everything from this checkpoint
    save_inference_dir: str | None = None   # tools/export_model.py default output
    use_visualdl: bool = False
    infer_img: str | None = None            # tools/infer.py default input
    save_res_path: str | None = None        # tools/infer.py results file
    label_list: list[str] | None = None     # classifier labels, e.g. ['0', '180']
    character_dict_path: str | None = None  # recognition dictionary
    max_text_length: int = _key(25, at_least(1))
    use_space_char: bool = False
    seed: int = _key(1024, ((lambda v: 0 <= v < 2**32), "in [0, 2**32)"))
    use_amp: bool = False                   # GPU only
    amp_level: Literal["O1", "O2"] = "O1"
    amp_dtype: Literal["float16", "bfloat16"] = "float16"
    scale_loss: float = _key(1024.0, ((lambda v: v > 0), "> 0"))
    use_dynamic_loss_scaling: bool = True
    amp_custom_black_list: list[str] = _key([])
    amp_custom_white_list: list[str] = _key([])
    # fail once more than this share of samples read is unusable
    max_bad_sample_ratio: float = _key(0.1, ((lambda v: 0 <= v <= 1), "in [0, 1]"))
    # rec heads: 3x3 convs on 1-pixel rows use the middle kernel row (same result up to float
    # order; not bitwise PaddleOCR's)
    fast_row_conv: bool = False
    # evaluate the starting weights before the first step and treat them as the best so far
    # (null: on for a fine-tune, i.e. with pretrained_model and not resuming)
    eval_at_start: bool | None = None
    # BatchNorm layers (true: all; or glob patterns of layer names) that keep their statistics and
    # scale/shift fixed while the rest trains: fine-tuning on small data
    freeze_norm: bool | list[str] = False
    # sub-layers (true: every backbone; or glob patterns of sub-layer names) whose parameters and
    # BatchNorm statistics stay fixed; their backward is skipped (faster CPU fine-tuning, opt-in)
    freeze_backbone: bool | list[str] = False
    # compile the training forward with paddle.jit.to_static (faster on CPU; equal to dygraph
    # up to float summation order, so opt-in)
    to_static: bool = False
    # threads of Paddle's CPU math (conv, matmul) when training on a CPU: 1 is Paddle's default and
    # keeps results bitwise PaddleOCR's; 0 = one per core; more is faster (the trajectories then
    # agree to float summation order, ~1e-6), so opt-in
    cpu_threads: int = _key(1, at_least(0))

    @property
    def eval_start_every(self) -> tuple[int, int]:
        """``eval_batch_step`` as (start, every)."""
        step = self.eval_batch_step
        return (0, step) if isinstance(step, int) else (step[0], step[1])


FIELDS = {f.name: f for f in dataclasses.fields(Settings)}
TYPES = {name: simple_type(f.type) for name, f in FIELDS.items()}
# Every Global key we use, with its default.
GLOBAL_DEFAULTS: dict[str, Any] = {
    name: f.default if f.default is not dataclasses.MISSING else f.default_factory()
    for name, f in FIELDS.items()}
# Global keys PaddleOCR configs carry that we accept and ignore, with the reason (one warning each).
GLOBAL_IGNORED = {
    "debug": "no debug mode",
    "infer_mode": "inference mode is chosen by the tool",
    "distributed": "distributed training is detected from paddle.distributed.launch",
    "d2s_train_image_shape": "training runs in dygraph; export takes its shape from the model",
}


def _where(cfg: dict, key: str) -> str:
    return cfg.where("Global", key) if hasattr(cfg, "where") else f"Global.{key}"


def check_global_value(cfg: dict, key: str, value: Any) -> None:
    """'<file or -o item>: Global.<key> expects <type and range>, got <value>' unless it is valid."""
    tp, rule = TYPES[key], FIELDS[key].metadata.get("valid")
    if not matches(value, tp):
        raise ConfigError(f"{_where(cfg, key)} expects {describe(tp)}, got {value!r}")
    if rule and not rule[0](value):
        need = f"{describe(tp)} {rule[1]}" if tp in (int, float) else rule[1]
        raise ConfigError(f"{_where(cfg, key)} expects {need}, got {value!r}")


def check_global(cfg: dict) -> None:
    """Warn about PaddleOCR-only keys, reject unknown ones, check every value, fill the defaults."""
    section = cfg["Global"]
    for key in list(section):
        if key in GLOBAL_IGNORED:
            warn_ignored(f"Global.{key}", GLOBAL_IGNORED[key])
        elif key not in GLOBAL_DEFAULTS:
            raise ConfigError(
                f"{_where(cfg, key)}: unknown key;"
                f"{did_you_mean(key, GLOBAL_DEFAULTS)} known Global keys: {', '.join(GLOBAL_DEFAULTS)}")
        else:
            check_global_value(cfg, key, section[key])
    for key, default in GLOBAL_DEFAULTS.items():
        section.setdefault(key, copy.deepcopy(default))
    if section["max_iters"] == 0 and section["epoch_num"] < 1:
        raise ConfigError(f"{_where(cfg, 'epoch_num')} must be >= 1 when Global.max_iters is 0 "
                          f"(nothing to train), got {section['epoch_num']!r}")


def settings(cfg: dict) -> Settings:
    """The typed Global of a config (values checked; absent keys take their defaults)."""
    section = cfg.get("Global") or {}
    values = {}
    for key in FIELDS:
        if key in section:
            check_global_value(cfg, key, section[key])
            values[key] = copy.deepcopy(section[key])
    return Settings(**values)

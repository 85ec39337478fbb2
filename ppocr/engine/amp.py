"""Automatic mixed precision: GPU only. On CPU ``Global.use_amp`` is refused with one warning."""

from __future__ import annotations

import paddle

from ppocr.config import global_value
from ppocr.errors import ConfigError
from ppocr.utils.logging import get_logger


class Amp:
    def __init__(self, level: str, dtype: str, scale_loss: float, dynamic: bool,
                 black_list: list, white_list: list):
        self.level, self.dtype = level, dtype
        self.black_list, self.white_list = set(black_list or []), set(white_list or [])
        self.scaler = paddle.amp.GradScaler(init_loss_scaling=float(scale_loss),
                                            use_dynamic_loss_scaling=bool(dynamic))

    def autocast(self):
        return paddle.amp.auto_cast(level=self.level, dtype=self.dtype,
                                    custom_black_list=self.black_list, custom_white_list=self.white_list)

    def backward_and_step(self, loss, optimizer) -> None:
        scaled = self.scaler.scale(loss)
        scaled.backward()
        self.scaler.minimize(optimizer, scaled)


def build_amp(cfg: dict, model, optimizer):
    """Returns (amp or None, model, optimizer); O2 casts the model and optimizer."""
    if not global_value(cfg, "use_amp"):
        return None, model, optimizer
    if not paddle.device.is_compiled_with_cuda() or paddle.device.cuda.device_count() == 0:
        get_logger().warning("Global.use_amp is set but no GPU is available: AMP needs a GPU, "
                             "training in float32 on the CPU instead")
        return None, model, optimizer
    level = str(global_value(cfg, "amp_level")).upper()
    if level not in ("O1", "O2"):
        raise ConfigError(f"Global.amp_level: '{level}' is not O1 or O2")
    dtype = global_value(cfg, "amp_dtype")
    if dtype not in ("float16", "bfloat16"):
        raise ConfigError(f"Global.amp_dtype: '{dtype}' is not float16 or bfloat16")
    if level == "O2":
        model, optimizer = paddle.amp.decorate(models=model, optimizers=optimizer, level="O2", dtype=dtype)
    amp = Amp(level, dtype, global_value(cfg, "scale_loss"), global_value(cfg, "use_dynamic_loss_scaling"),
              global_value(cfg, "amp_custom_black_list"), global_value(cfg, "amp_custom_white_list"))
    get_logger().info(f"AMP {level} ({dtype}) on")
    return amp, model, optimizer

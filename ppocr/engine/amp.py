"""Automatic mixed precision: GPU only. On CPU ``Global.use_amp`` is refused with one warning."""

from __future__ import annotations

import paddle

from ppocr.settings import Settings
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


def build_amp(g: Settings, model, optimizer):
    """Returns (amp or None, model, optimizer); O2 casts the model and optimizer."""
    if not g.use_amp:
        return None, model, optimizer
    if not paddle.device.is_compiled_with_cuda() or paddle.device.cuda.device_count() == 0:
        get_logger().warning("Global.use_amp is set but no GPU is available: AMP needs a GPU, "
                             "training in float32 on the CPU instead")
        return None, model, optimizer
    level, dtype = g.amp_level, g.amp_dtype  # checked when the config was loaded
    if level == "O2":
        model, optimizer = paddle.amp.decorate(models=model, optimizers=optimizer, level="O2", dtype=dtype)
    amp = Amp(level, dtype, g.scale_loss, g.use_dynamic_loss_scaling, g.amp_custom_black_list,
              g.amp_custom_white_list)
    get_logger().info(f"AMP {level} ({dtype}) on")
    return amp, model, optimizer

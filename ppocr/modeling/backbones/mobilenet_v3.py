"""``MobileNetV3``: the config name PaddleOCR uses for two different networks.

PaddleOCR picks the class by the architecture's ``model_type``: ``det`` builds the four-stage
detection backbone (:class:`DetMobileNetV3`, keys ``conv``/``stage0..3``, a list of feature maps),
``cls`` and ``rec`` build the line backbone (:class:`RecMobileNetV3`, keys ``conv1``/``blocks``/
``conv2``, one pooled feature map). Here the builder provides ``model_type`` (BaseModel passes its
own), so PaddleOCR's configs (``cls_mv3.yml``, ``ch_PP-OCRv3_det_student.yml``) build unchanged.
"""

from __future__ import annotations

from paddle import nn

from ppocr.errors import ConfigError
from ppocr.modeling.backbones.det_mobilenet_v3 import DetMobileNetV3
from ppocr.modeling.backbones.rec_mobilenet_v3 import RecMobileNetV3
from ppocr.registry import BACKBONES


@BACKBONES.register
def MobileNetV3(model_type: str, in_channels: int = 3, model_name: str | None = None,
                scale: float = 0.5, disable_se: bool = False, large_stride: list[int] | None = None,
                small_stride: list[int] | None = None) -> nn.Layer:
    """``model_name`` defaults as in PaddleOCR: ``large`` for det, ``small`` for cls/rec.
    ``large_stride`` / ``small_stride`` apply to cls/rec only."""
    if model_type == "det":
        unused = [k for k, v in (("large_stride", large_stride), ("small_stride", small_stride)) if v is not None]
        if unused:
            raise ConfigError(f"MobileNetV3: {', '.join(unused)} only apply to model_type cls/rec "
                              f"(the detection backbone has fixed strides)")
        return DetMobileNetV3(in_channels, model_name or "large", scale, disable_se)
    if model_type in ("cls", "rec"):
        return RecMobileNetV3(in_channels, model_name or "small", scale, disable_se, large_stride,
                              small_stride)
    raise ConfigError(f"MobileNetV3: model_type must be det, cls or rec, got {model_type!r}")

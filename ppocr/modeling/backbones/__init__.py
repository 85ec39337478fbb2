"""Backbones; importing this package registers them."""

from ppocr.modeling.backbones import det_resnet_vd, mobilenet_v3, rec_mv1_enhance  # noqa: F401

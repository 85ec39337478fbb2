"""Forward passes of the classifier and the DB detectors on tiny inputs, and their config errors."""

from __future__ import annotations

import numpy as np
import paddle
import pytest

import ppocr.modeling.architectures  # noqa: F401
import ppocr.modeling.backbones  # noqa: F401
import ppocr.modeling.heads  # noqa: F401
import ppocr.modeling.necks  # noqa: F401
from ppocr.errors import ConfigError
from ppocr.registry import ARCHITECTURES, BACKBONES, HEADS, NECKS

CLS = {"model_type": "cls", "Backbone": {"name": "MobileNetV3", "scale": 0.35, "model_name": "small"},
       "Head": {"name": "ClsHead", "class_dim": 2}}
DET_STUDENT = {"model_type": "det",
               "Backbone": {"name": "MobileNetV3", "scale": 0.5, "model_name": "large", "disable_se": True},
               "Neck": {"name": "RSEFPN", "out_channels": 96, "shortcut": True},
               "Head": {"name": "DBHead", "k": 50}}


def build(arch: dict):
    return ARCHITECTURES.build({"name": "BaseModel", **arch}, "Architecture")


def image(*shape: int) -> paddle.Tensor:
    return paddle.to_tensor(np.random.default_rng(0).uniform(-1, 1, shape).astype("float32"))


def in_unit_interval(t: paddle.Tensor) -> bool:
    a = t.numpy()
    return bool(np.isfinite(a).all() and a.min() >= 0 and a.max() <= 1)


def test_classifier_outputs_logits_and_probs():
    model = build(CLS)
    assert model.export_key == "probs" and model.backbone.out_channels == 200
    model.eval()
    with paddle.no_grad():
        out = model({"image": image(2, 3, 48, 192)})
    assert set(out) == {"logits", "probs"}
    assert list(out["logits"].shape) == [2, 2] and list(out["probs"].shape) == [2, 2]
    assert in_unit_interval(out["probs"])
    np.testing.assert_allclose(out["probs"].numpy().sum(1), 1, atol=1e-6)
    np.testing.assert_allclose(out["probs"].numpy(), paddle.nn.functional.softmax(out["logits"]).numpy(),
                               atol=1e-6)
    # the line backbone halves the height only: 48x192 -> 1 x 48 before its pool
    assert list(model.backbone(image(1, 3, 48, 192)).shape) == [1, 200, 1, 48]


def test_detector_train_and_eval_maps():
    model = build(DET_STUDENT)
    assert model.export_key == "maps"
    assert model.backbone.out_channels == [16, 24, 56, 480] and model.neck.out_channels == 96
    x = image(1, 3, 64, 64)
    model.train()
    maps = model({"image": x})["maps"]
    assert list(maps.shape) == [1, 3, 64, 64] and in_unit_interval(maps)
    model.eval()
    with paddle.no_grad():
        out = model({"image": x})
    assert list(out) == ["maps"] and list(out["maps"].shape) == [1, 1, 64, 64]
    assert in_unit_interval(out["maps"])


@pytest.mark.shared
def test_ppocrv2_detector_builds_from_paddleocr_config(shared):
    """PP-OCRv2's student (MobileNetV3 + DBFPN) straight from PaddleOCR's YAML."""
    from ppocr.config import read_yaml

    arch = read_yaml(str(shared / "reference" / "paddleocr_configs" / "ch_PP-OCRv2_det_student.yml"))["Architecture"]
    model = build({k: v for k, v in arch.items() if k not in ("name", "algorithm")})
    assert type(model.neck).__name__ == "DBFPN" and model.neck.out_channels == 96
    model.eval()
    with paddle.no_grad():
        maps = model({"image": image(1, 3, 64, 64)})["maps"]
    assert list(maps.shape) == [1, 1, 64, 64] and in_unit_interval(maps)


@pytest.mark.parametrize("neck", [{"name": "DBFPN", "out_channels": 32},
                                  {"name": "RSEFPN", "out_channels": 32, "shortcut": False},
                                  {"name": "LKPAN", "out_channels": 32, "mode": "lite"},
                                  {"name": "LKPAN", "out_channels": 32, "mode": "large"}])
@pytest.mark.parametrize("backbone", [{"name": "MobileNetV3", "model_name": "small", "scale": 0.35},
                                      {"name": "ResNet_vd", "layers": 18}])
def test_every_neck_on_every_backbone(backbone, neck):
    model = build({"model_type": "det", "Backbone": backbone, "Neck": neck,
                   "Head": {"name": "DBHead", "kernel_list": [7, 2, 2]}})
    model.eval()
    with paddle.no_grad():
        maps = model({"image": image(1, 3, 64, 96)})["maps"]
    assert list(maps.shape) == [1, 1, 64, 96] and in_unit_interval(maps)


@pytest.mark.parametrize("layers, channels", [(18, [64, 128, 256, 512]), (34, [64, 128, 256, 512]),
                                              (50, [256, 512, 1024, 2048])])
def test_resnet_vd_stages(layers, channels):
    backbone = BACKBONES.build({"name": "ResNet_vd", "layers": layers}, "Backbone")
    assert backbone.out_channels == channels
    if layers == 34:
        return  # same shapes as 18, only deeper
    backbone.eval()
    with paddle.no_grad():
        outs = backbone(image(1, 3, 64, 64))
    assert [list(o.shape) for o in outs] == [[1, c, 64 // s, 64 // s] for c, s in zip(channels, (4, 8, 16, 32))]


def test_det_mobilenet_small_has_four_stages():
    backbone = BACKBONES.build({"name": "MobileNetV3", "model_name": "small", "scale": 0.5}, "Backbone",
                               model_type="det")
    backbone.eval()
    with paddle.no_grad():
        outs = backbone(image(1, 3, 64, 64))
    assert [o.shape[1:] for o in outs] == [[c, 64 // s, 64 // s] for c, s in
                                           zip(backbone.out_channels, (4, 8, 16, 32))]


def test_mobilenet_v3_variant_by_model_type():
    det = BACKBONES.build({"name": "MobileNetV3"}, "Backbone", model_type="det")
    line = BACKBONES.build({"name": "MobileNetV3"}, "Backbone", model_type="rec")
    assert isinstance(det.out_channels, list) and hasattr(det, "stage3")
    assert line.out_channels == 288 and hasattr(line, "blocks")  # small x0.5 by default, as PaddleOCR
    strided = BACKBONES.build({"name": "MobileNetV3", "model_name": "large", "large_stride": [1, 2, 2, 2]},
                              "Backbone", model_type="cls")
    assert strided.out_channels == 480


@pytest.mark.parametrize("kind, cfg, provided, match", [
    (BACKBONES, {"name": "MobileNetV3", "scale": 0.3}, {"model_type": "det"}, "scale must be one of"),
    (BACKBONES, {"name": "MobileNetV3", "model_name": "tiny"}, {"model_type": "cls"}, "model_name must be"),
    (BACKBONES, {"name": "MobileNetV3", "small_stride": [2, 2]}, {"model_type": "cls"}, "list of 4 ints"),
    (BACKBONES, {"name": "MobileNetV3", "large_stride": [1, 2, 2, 2]}, {"model_type": "det"},
     "only apply to model_type cls/rec"),
    (BACKBONES, {"name": "MobileNetV3", "model_type": "det"}, {"model_type": "det"}, "derived from the model"),
    (BACKBONES, {"name": "ResNet_vd", "layers": 26}, {}, "layers must be one of"),
    (NECKS, {"name": "LKPAN", "out_channels": 32, "mode": "huge"}, {"in_channels": [8, 8, 8, 8]}, "'lite' or 'large'"),
    (NECKS, {"name": "DBFPN", "out_channels": 32}, {"in_channels": 200}, "four feature maps"),
    (NECKS, {"name": "RSEFPN", "out_channel": 32}, {"in_channels": [8, 8, 8, 8]}, "did you mean 'out_channels'"),
    (HEADS, {"name": "DBHead", "kernel_list": [3, 2]}, {"in_channels": 32}, "kernel_list must be 3"),
    (HEADS, {"name": "ClsHead", "class_dim": 2}, {"in_channels": [8, 8, 8, 8]}, "one feature map"),
])
def test_bad_arguments_are_config_errors(kind, cfg, provided, match):
    with pytest.raises(ConfigError, match=match):
        kind.build(cfg, "Architecture.X", **provided)

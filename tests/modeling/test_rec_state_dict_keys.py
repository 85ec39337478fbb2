"""Our SVTR_LCNet recognizer has exactly PaddleOCR 2.7's state-dict keys and shapes (in the same
order, which follows construction order), built from PaddleOCR's own configs."""

from __future__ import annotations

import json

import paddle
import pytest

import ppocr.modeling.architectures  # noqa: F401
import ppocr.modeling.backbones  # noqa: F401
import ppocr.modeling.heads  # noqa: F401
import ppocr.modeling.necks  # noqa: F401
from ppocr.config import read_yaml
from ppocr.errors import ConfigError
from ppocr.registry import ARCHITECTURES, BACKBONES, HEADS, NECKS


class StandIn:
    """Charset stand-in: ``num_chars`` dictionary characters (space included)."""

    def __init__(self, num_chars: int):
        self.num_classes_ctc = num_chars + 1
        self.num_classes_sar = num_chars + 3


def arch_of(section: dict) -> dict:
    return {k: v for k, v in section.items()
            if k not in ("name", "algorithm", "pretrained", "freeze_params")}


def build(arch: dict, num_chars: int):
    return ARCHITECTURES.build({"name": "BaseModel", **arch}, "Architecture", charset=StandIn(num_chars))


def keys_and_shapes(layer, prefix: str = "") -> list[tuple[str, list[int]]]:
    return [(prefix + k, list(v.shape)) for k, v in layer.state_dict().items()]


def reference(shared, name: str) -> list[tuple[str, list[int]]]:
    data = json.loads((shared / "reference" / "paddleocr_state_dicts" / name).read_text())
    return [(k, list(s)) for k, s in data["state_dict"]]


# ppocr_keys_v1.txt (6623) + space -> CTC 6625, SAR 6627; en_dict.txt (95) + space -> 97, 99
@pytest.mark.shared
@pytest.mark.parametrize("config, ref, num_chars", [
    ("ch_PP-OCRv3_rec.yml", "rec.json", 6624),
    ("en_PP-OCRv3_rec.yml", "en_rec.json", 96),
])
def test_rec_keys_and_shapes_equal_paddleocr(shared, config, ref, num_chars):
    cfg = read_yaml(str(shared / "reference" / "paddleocr_configs" / config))
    model = build(arch_of(cfg["Architecture"]), num_chars)
    assert keys_and_shapes(model) == reference(shared, ref)


@pytest.mark.shared
def test_rec_distillation_sub_models_equal_paddleocr(shared):
    cfg = read_yaml(str(shared / "reference" / "paddleocr_configs" / "ch_PP-OCRv3_rec_distillation.yml"))
    ref = reference(shared, "rec_distillation.json")
    for name in ("Teacher", "Student"):
        model = build(arch_of(cfg["Architecture"]["Models"][name]), 6624)
        expected = [(k[len(name) + 1:], s) for k, s in ref if k.startswith(name + ".")]
        assert len(expected) == 239
        assert keys_and_shapes(model) == expected, name


@pytest.mark.shared
def test_rotnet_backbone_equals_paddleocr(shared):
    """TextRotNet (self-supervised pretraining) uses the same backbone with max-less defaults."""
    cfg = read_yaml(str(shared / "reference" / "paddleocr_configs" / "ch_PP-OCRv3_rotnet.yml"))
    backbone = BACKBONES.build(dict(cfg["Architecture"]["Backbone"]), "Architecture.Backbone")
    expected = [(k, s) for k, s in reference(shared, "rotnet.json") if k.startswith("backbone.")]
    assert keys_and_shapes(backbone, "backbone.") == expected
    # default last_pool_kernel_size [3, 2]: a 48x192 crop -> 1 x 24
    backbone.eval()
    assert list(backbone(paddle.zeros([1, 3, 48, 192])).shape) == [1, 512, 1, 24]


def test_backbone_pooling_and_strides():
    avg = BACKBONES.build({"name": "MobileNetV1Enhance", "scale": 0.5, "last_conv_stride": [1, 2],
                           "last_pool_type": "avg", "last_pool_kernel_size": [2, 2]}, "Backbone")
    assert isinstance(avg.pool, paddle.nn.AvgPool2D) and avg.out_channels == 512
    avg.eval()
    assert list(avg(paddle.zeros([1, 3, 48, 64])).shape) == [1, 512, 1, 8]
    # as in PaddleOCR, the max pool is always 2x2 / stride 2
    mx = BACKBONES.build({"name": "MobileNetV1Enhance", "last_pool_kernel_size": [3, 2]}, "Backbone")
    assert isinstance(mx.pool, paddle.nn.MaxPool2D)
    with pytest.raises(ConfigError, match="last_pool_type"):
        BACKBONES.build({"name": "MobileNetV1Enhance", "last_pool_type": "mean"}, "Backbone")


def test_sequence_encoder_types_and_bad_keys():
    x = paddle.rand([2, 32, 1, 5])
    for encoder_type, args, channels in [("reshape", {}, 32), ("rnn", {"hidden_size": 8}, 16),
                                         ("fc", {"hidden_size": 8}, 8),
                                         ("svtr", {"dims": 16, "hidden_dims": 24, "depth": 1}, 16)]:
        neck = NECKS.build({"name": "SequenceEncoder", "encoder_type": encoder_type, **args}, "Neck",
                           in_channels=32)
        neck.eval()
        assert neck.out_channels == channels
        assert list(neck(x).shape) == [2, 5, channels], encoder_type
    with pytest.raises(ConfigError, match="only apply to encoder_type 'svtr'"):
        NECKS.build({"name": "SequenceEncoder", "encoder_type": "rnn", "dims": 64}, "Neck", in_channels=32)
    with pytest.raises(ConfigError, match="encoder_type must be one of"):
        NECKS.build({"name": "SequenceEncoder", "encoder_type": "lstm"}, "Neck", in_channels=32)


def test_multi_head_config_errors_name_the_path():
    def multi(head_list):
        return HEADS.build({"name": "MultiHead", "head_list": head_list}, "Architecture.Head",
                           in_channels=32, charset=StandIn(5))

    with pytest.raises(ConfigError, match=r"head_list\[0\]\.CTCHead\.Neck: SequenceEncoder got unknown key 'dimz'"):
        multi([{"CTCHead": {"Neck": {"name": "svtr", "dimz": 8}, "Head": {}}}])
    with pytest.raises(ConfigError, match=r"head_list\[1\]: 'NRTRHead' is not supported"):
        multi([{"CTCHead": {"Neck": {"name": "reshape"}}}, {"NRTRHead": {}}])
    with pytest.raises(ConfigError, match="needs a CTCHead"):
        multi([{"SARHead": {"enc_dim": 16, "d_k": 16}}])
    with pytest.raises(ConfigError, match="not a sequence encoder"):
        multi([{"CTCHead": {"Neck": {"name": "transformer"}}}])
    with pytest.raises(ConfigError, match="needs the recognition charset"):
        HEADS.build({"name": "CTCHead"}, "Architecture.Head", in_channels=32, charset=None)

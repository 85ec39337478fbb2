"""Transforms describe themselves to export and inference: which are training-only, what input
shape they make, which parameters inference may set, which collate their output needs."""

from __future__ import annotations

import pytest

import ppocr.data.transforms  # noqa: F401  (registers)
from ppocr.data.transforms.base import inference_transforms, input_shape, with_inference_params
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS

TRAINING = ["DetLabelEncode", "MakeBorderMap", "MakeShrinkMap", "CopyPaste", "IaaAugment", "EastRandomCropData",
            "CTCLabelEncode", "SARLabelEncode", "MultiLabelEncode", "ClsLabelEncode", "RecAug", "RecConAug",
            "TextConAug", "BaseDataAugmentation", "RandAugment", "KeepKeys"]


@pytest.mark.parametrize("name", TRAINING)
def test_label_and_augmentation_steps_declare_themselves_training_only(name):
    assert TRANSFORMS.get(name).training_only is True


def test_inference_keeps_the_other_steps_and_the_keys_they_need():
    items = [{"DecodeImage": {"img_mode": "BGR"}}, {"TextConAug": {"prob": 0.5}}, {"RecAug": None},
             {"MultiLabelEncode": None}, {"RecResizeImg": {"image_shape": [3, 48, 320]}},
             {"KeepKeys": {"keep_keys": ["image", "label_ctc"]}}]
    assert inference_transforms(items) == [{"DecodeImage": {"img_mode": "BGR"}},
                                           {"RecResizeImg": {"image_shape": [3, 48, 320]}},
                                           {"KeepKeys": {"keep_keys": ["image"]}}]
    det = [{"DecodeImage": None}, {"DetLabelEncode": None}, {"DetResizeForTest": {"limit_side_len": 736}},
           {"NormalizeImage": None}, {"ToCHWImage": None}]
    assert inference_transforms(det)[-1] == {"KeepKeys": {"keep_keys": ["image", "shape"]}}


def test_input_shape_comes_from_the_resize_step():
    rec = [{"RecResizeImg": {"image_shape": [3, 48, 320]}}]
    assert input_shape(rec) == [3, 48, 320] and input_shape(rec, exported=True) == [3, 48, -1]
    assert input_shape([{"ClsResizeImg": {"image_shape": [3, 48, 192]}}], exported=True) == [3, 48, 192]
    assert input_shape([{"DecodeImage": None}]) is None


def test_inference_params_are_set_where_a_transform_takes_them():
    det = [{"DecodeImage": None}, {"DetResizeForTest": {"limit_side_len": 736, "limit_type": "min"}}]
    out = with_inference_params(det, limit_side_len=960, limit_type="max")
    assert out[1] == {"DetResizeForTest": {"limit_side_len": 960, "limit_type": "max"}}
    with pytest.raises(ConfigError, match="no transform takes limit_side_len"):
        with_inference_params([{"DecodeImage": None}], limit_side_len=960)

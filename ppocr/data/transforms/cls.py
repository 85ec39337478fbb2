"""Direction-classifier transforms: the label index and the 3x48x192 input."""

from __future__ import annotations

from ppocr.data.transforms.base import BadSample
from ppocr.data.transforms.resize import resize_norm_img
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS


@TRANSFORMS.register
class ClsLabelEncode:
    """``data['label']`` ('0' / '180') -> its index in ``Global.label_list`` (provided)."""
    training_only = True  # training targets or augmentation: not run at inference

    def __init__(self, label_list: list | None = None):
        if not label_list:
            raise ConfigError("ClsLabelEncode: Global.label_list is empty; set it, e.g. ['0', '180']")
        self.index = {str(v): i for i, v in enumerate(label_list)}

    def __call__(self, data: dict) -> dict:
        label = str(data["label"]).strip()
        if label not in self.index:
            raise BadSample(f"class label {label!r} is not in Global.label_list {list(self.index)}")
        data["label"] = self.index[label]
        return data


@TRANSFORMS.register
class ClsResizeImg:
    @staticmethod
    def input_shape(args: dict) -> list[int] | None:
        return list(args["image_shape"]) if args.get("image_shape") else None

    def __init__(self, image_shape: list[int]):
        if len(image_shape) != 3:
            raise ConfigError(f"ClsResizeImg.image_shape: expected [C, H, W], got {image_shape}")
        self.image_shape = image_shape

    def __call__(self, data: dict) -> dict:
        data["image"], _ = resize_norm_img(data["image"], self.image_shape)
        return data

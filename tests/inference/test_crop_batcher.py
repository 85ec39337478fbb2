"""CropBatcher: crops batched by aspect ratio, each rec batch as wide as its widest line."""

from __future__ import annotations

import pytest
from inference.stubs import StubLineModel, crop

from ppocr.errors import ConfigError
from ppocr.inference.crop_batcher import CropBatcher, batch_width, ratio_batches


def test_ratio_batches_sort_by_width_over_height():
    crops = [crop(0, 10, 80), crop(1, 10, 20), crop(2, 20, 20), crop(3, 10, 50), crop(4, 5, 50)]
    # ratios 8, 2, 1, 5, 10
    assert ratio_batches(crops, 2) == [[2, 1], [3, 0], [4]]
    assert ratio_batches(crops, 6) == [[2, 1, 3, 0, 4]]


def test_batch_width_is_at_least_the_model_width():
    assert batch_width([crop(0, 48, 100)], (3, 48, 320)) == 320
    # 20 x 300 -> ratio 15 -> 48 * 15 = 720
    assert batch_width([crop(0, 48, 100), crop(1, 20, 300)], (3, 48, 320)) == 720


def test_rec_batches_and_restores_the_callers_order():
    model = StubLineModel("rec")
    batcher = CropBatcher(model, batch_size=2, image_shape=(3, 48, 320))
    # ratios: 0 -> 10, 1 -> 1, 2 -> 20, 3 -> 2, 4 -> 4
    crops = [crop(0, 10, 100), crop(1, 30, 30), crop(2, 24, 480), crop(3, 30, 60), crop(4, 12, 48)]
    results = batcher(crops)
    assert [b for b, _ in model.batches] == [[1, 3], [4, 0], [2]]
    # widths: max(320, 48 * batch max ratio)
    assert [shape for _, shape in model.batches] == [(2, 3, 48, 320), (2, 3, 48, 480), (1, 3, 48, 960)]
    assert results == [("crop0", 480.0), ("crop1", 320.0), ("crop2", 960.0), ("crop3", 320.0), ("crop4", 480.0)]


def test_rec_shape_comes_from_the_model_pre_processing():
    model = StubLineModel("rec")
    model.info["PreProcess"] = [{"DecodeImage": None}, {"RecResizeImg": {"image_shape": [3, 32, 100]}}]
    batcher = CropBatcher(model, batch_size=6)
    assert batcher.image_shape == (3, 32, 100)
    batcher([crop(1, 10, 10)])
    assert model.batches[0][1] == (1, 3, 32, 100)


def test_cls_uses_the_model_pre_processing_and_grey_crops_work():
    model = StubLineModel("cls", {1: ("0", 0.99), 2: ("180", 0.97)})
    grey = crop(2, 20, 100)[:, :, 0]
    assert CropBatcher(model, batch_size=6)([crop(1, 20, 40), grey]) == [("0", 0.99), ("180", 0.97)]
    assert model.batches[0][1] == (2, 3, 48, 192)


def test_rejects_det_models_and_bad_batch_sizes():
    with pytest.raises(ConfigError, match="rec or cls"):
        CropBatcher(StubLineModel("det"))
    with pytest.raises(ConfigError, match="batch size"):
        CropBatcher(StubLineModel("rec"), batch_size=0)

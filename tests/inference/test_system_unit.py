"""TextSystem with stand-in models: det resize override, reading order, cls flips, drop_score."""

from __future__ import annotations

import numpy as np
import pytest
from inference.stubs import StubLineModel, crop

from ppocr.errors import ConfigError
from ppocr.inference.params import SystemParams
from ppocr.inference.predictor import Predictor
from ppocr.inference.system import OCRLine, TextSystem

DET_PREPROCESS = [
    {"DecodeImage": {"img_mode": "BGR", "channel_first": False}},
    {"DetResizeForTest": None},
    {"NormalizeImage": {"scale": "1./255.", "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
                        "order": "hwc"}},
    {"ToCHWImage": None},
    {"KeepKeys": {"keep_keys": ["image", "shape"]}},
]


def dark_pixel_detector(seen: list) -> Predictor:
    """A det 'model' whose text map is 1 where the image is darker than its mean colour."""
    def run(x):
        seen.append(x.shape)
        return (x[:, :1] < 0).astype(np.float32)

    return Predictor({"model_type": "det", "output": "maps", "PreProcess": DET_PREPROCESS}, run)


class WidthReader(StubLineModel):
    """rec by the width of the line in its input (columns not zero-padded): long / mid / short."""

    def postprocess_component(self):
        def post(outputs, batch=None):
            results = []
            for s in outputs["probs"]:
                width = int((np.abs(s).sum(axis=(0, 1)) > 0).sum())
                results.append(("long", 0.95) if width > 280 else ("short", 0.3) if width < 130 else ("mid", 0.5))
            return results

        return post


def bars_page() -> np.ndarray:
    page = np.full((200, 300, 3), 255, np.uint8)
    page[140:156, 20:150] = 0   # mid: 130 x 16, lowest
    page[20:36, 20:280] = 0     # long: 260 x 16, top
    page[80:96, 200:240] = 0    # short: 40 x 16
    return page


def test_system_finds_orders_reads_and_drops():
    seen = []
    system = TextSystem(dark_pixel_detector(seen), WidthReader("rec"), params=SystemParams())
    lines = system(bars_page())
    assert [(line.text, line.score) for line in lines] == [("long", 0.95), ("mid", 0.5)]  # 0.3 < drop_score
    long, mid = lines
    assert isinstance(long, OCRLine) and long.points.shape == (4, 2)
    # the boxes hold their bars (grown by the unclip ratio) and stay inside the page
    assert long.points[0].tolist() <= [20, 20] and long.points[2].tolist() >= [279, 35]
    assert mid.points[0].tolist() <= [20, 140] and mid.points[2].tolist() >= [149, 155]
    assert long.points.min() >= 0 and long.points[:, 0].max() <= 299
    assert long.as_list() == [long.points.tolist(), ("long", 0.95)]
    assert seen == [(1, 3, 192, 288)]  # 200 x 300 below the 960 limit: only rounded to multiples of 32

    everything = TextSystem(dark_pixel_detector([]), WidthReader("rec"), params=SystemParams(drop_score=0.0))
    assert [line.text for line in everything(bars_page())] == ["long", "short", "mid"]


def test_a_page_without_text_gives_no_lines():
    system = TextSystem(dark_pixel_detector([]), WidthReader("rec"), params=SystemParams())
    assert system(np.full((64, 64, 3), 255, np.uint8)) == []
    assert system.detect(np.full((64, 64), 255, np.uint8)).shape == (0, 4, 2)
    assert system.recognize([]) == []


def test_det_limit_overrides_the_model_config():
    seen = []
    system = TextSystem(dark_pixel_detector(seen), WidthReader("rec"),
                        params=SystemParams(det_limit_side_len=160, det_limit_type="max"))
    lines = system(bars_page())
    assert seen == [(1, 3, 96, 160)]  # 300 -> 160, 200 -> 106 -> 96
    assert [line.text for line in lines][:1] == ["long"]


def test_the_det_limit_keeps_the_detectors_backend():
    det = dark_pixel_detector([])
    det.backend = "gpu"
    assert TextSystem(det, WidthReader("rec")).det.backend == "gpu"


def test_cls_turns_only_confident_upside_down_crops():
    cls = StubLineModel("cls", {1: ("180", 0.95), 2: ("180", 0.9), 3: ("0", 0.99), 4: ("180", 0.91)})
    system = TextSystem(dark_pixel_detector([]), WidthReader("rec"), cls, SystemParams(use_angle_cls=True))
    crops = []
    for i in (1, 2, 3, 4):
        c = crop(i, 10, 40)
        c[:, -5:] = 255  # a white right edge shows whether the crop was turned
        crops.append(c)
    turned, results = system.classify(crops)
    assert results == [("180", 0.95), ("180", 0.9), ("0", 0.99), ("180", 0.91)]
    # turned 180 degrees: '180' above cls_thresh 0.9 (strictly)
    assert [bool(t[:, :5].min() == 255) for t in turned] == [True, False, False, True]
    assert [bool(t[:, -5:].min() == 255) for t in turned] == [False, True, True, False]


def test_bad_settings_are_named():
    with pytest.raises(ConfigError, match="det_limit_type"):
        SystemParams(det_limit_type="maximum")
    with pytest.raises(ConfigError, match="drop_score"):
        SystemParams(drop_score=2)
    with pytest.raises(ConfigError, match="rec_image_shape"):
        SystemParams(rec_image_shape="3,48")
    assert SystemParams(rec_image_shape="3, 32, 100").rec_image_shape == (3, 32, 100)
    with pytest.raises(ConfigError, match="no cls model"):
        TextSystem(dark_pixel_detector([]), WidthReader("rec"), params=SystemParams(use_angle_cls=True))


def test_a_model_of_the_wrong_kind_is_refused(monkeypatch):
    from ppocr.inference import system

    monkeypatch.setattr(system.Predictor, "from_export", staticmethod(lambda *a, **k: StubLineModel("rec")))
    with pytest.raises(ConfigError, match="exports/x: a rec model given for the det stage"):
        system.load_stage("det", model_dir="exports/x")

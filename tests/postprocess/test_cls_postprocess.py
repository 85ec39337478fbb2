"""ClsPostProcess labels and ClsMetric accuracy, with and without Global.label_list."""

import numpy as np
import pytest

from ppocr.errors import ConfigError
from ppocr.metrics.cls_metric import ClsMetric
from ppocr.postprocess.cls_postprocess import ClsPostProcess

TWO = np.array([[0.9, 0.1], [0.2, 0.8]], dtype=np.float32)
FOUR = np.array([[0.1, 0.7, 0.1, 0.1], [0.1, 0.1, 0.1, 0.7], [0.6, 0.2, 0.1, 0.1]], dtype=np.float32)


def test_two_classes_default_to_the_direction_labels():
    assert ClsPostProcess()({"probs": TWO}) == [("0", pytest.approx(0.9)), ("180", pytest.approx(0.8))]


def test_other_class_counts_default_to_indices_like_paddleocr_training():
    assert [label for label, _ in ClsPostProcess()({"probs": FOUR})] == ["1", "3", "0"]


def test_label_list_names_the_classes_and_must_fit_the_model():
    post = ClsPostProcess(label_list=["0", "90", "180", "270"])
    assert [label for label, _ in post({"probs": FOUR})] == ["90", "270", "0"]
    with pytest.raises(ConfigError, match="gives \\(2,\\) class scores but label_list has 4"):
        post({"probs": TWO})


@pytest.mark.parametrize("label_list", [None, ["0", "90", "180", "270"]])
def test_metric_counts_correct_rotations(label_list):
    metric = ClsMetric(label_list=label_list)
    preds = ClsPostProcess(label_list=label_list)({"probs": FOUR})  # classes 1, 3, 0
    metric.update(preds, {"label": np.array([1, 2, 0])})
    assert metric.compute()["acc"] == pytest.approx(2 / 3)


def test_metric_on_the_direction_classifier_without_a_list():
    metric = ClsMetric()
    metric.update(ClsPostProcess()({"probs": TWO}), {"label": np.array([0, 0])})  # 0 and 180 predicted
    assert metric.compute()["acc"] == pytest.approx(0.5)

import numpy as np
import pytest

import ppocr.metrics  # noqa: F401  (registers the metrics)
from ppocr.charset import Charset
from ppocr.errors import ConfigError, DataError
from ppocr.registry import METRICS


def build(**cfg):
    cs = Charset.from_characters(list("abcAB"), use_space_char=True)
    return METRICS.build({"name": "RecMetric", **cfg}, "Metric", charset=cs)


def test_accuracy_and_edit_distance_from_texts():
    m = build(ignore_space=False)
    m.update([("abc", 0.9), ("ab", 0.8), ("a b", 0.7)], {"text": ["abc", "abcd", "ab"]})
    r = m.compute()
    assert r["acc"] == pytest.approx(1 / 3) and r["count"] == 3
    # distances: 0, 2/4, 1/3
    assert r["norm_edit_dis"] == pytest.approx(1 - (0 + 0.5 + 1 / 3) / 3)
    m2 = build()  # ignore_space: "a b" == "ab"
    m2.update([("a b", 0.7)], {"text": ["ab"]})
    assert m2.compute()["acc"] == 1.0


def test_targets_decoded_from_ctc_labels_and_merged_sums():
    m = build()
    batch = {"label_ctc": np.array([[1, 2, 3, 0], [4, 6, 5, 0]]), "length": np.array([3, 3])}
    assert m.targets(batch) == ["abc", "A B"]
    m.update([("abc", 1.0), ("AB", 1.0)], batch)
    sums = dict(m.sums)
    m.merge([sums, sums])
    assert m.compute() == {"acc": 1.0, "norm_edit_dis": 1.0, "count": 4.0}
    m.reset()
    assert m.compute()["count"] == 0.0


def test_is_filter():
    m = build(is_filter=True)
    m.update([("A-b!", 1.0)], {"text": ["ab"]})
    assert m.compute()["acc"] == 1.0


def test_errors():
    with pytest.raises(ConfigError):
        build(main_indicator="f1")
    with pytest.raises(DataError, match="neither 'text'"):
        build().update([("a", 1.0)], {"image": np.zeros(1)})
    with pytest.raises(DataError, match="1 predictions for 2 labels"):
        build().update([("a", 1.0)], {"text": ["a", "b"]})

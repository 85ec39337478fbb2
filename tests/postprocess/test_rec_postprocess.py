import numpy as np
import paddle
import pytest

import ppocr.postprocess  # noqa: F401  (registers the post-processors)
from ppocr.charset import Charset
from ppocr.errors import ConfigError
from ppocr.registry import POSTPROCESS


def charset():
    return Charset.from_characters(list("abc"), use_space_char=True)  # classes: blank a b c ' '


def probs_for(paths, c=5, p=0.9):
    """One-hot-ish probabilities following class paths."""
    out = np.full((len(paths), len(paths[0]), c), (1 - p) / (c - 1), np.float32)
    for n, path in enumerate(paths):
        for t, k in enumerate(path):
            out[n, t, k] = p
    return out


def decoder(**cfg):
    return POSTPROCESS.build({"name": "CTCLabelDecode", **cfg}, "PostProcess", charset=charset())


def test_greedy_merges_repeats_and_drops_blank():
    probs = probs_for([[1, 1, 0, 1, 2, 2, 4, 3], [0, 0, 0, 0, 0, 0, 0, 0]])
    probs[0, 3, 1] = 0.6  # a kept step with a lower probability
    probs[0, 3, [0, 2, 3, 4]] = 0.1
    (text, score), (empty, zero) = decoder()({"probs": probs})
    assert text == "aab c"
    np.testing.assert_allclose(score, np.mean([0.9, 0.6, 0.9, 0.9, 0.9]), rtol=1e-6)
    assert (empty, zero) == ("", 0.0)


def test_logits_probs_tensors_and_arrays_agree():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(3, 10, 5)).astype("float32") * 3
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    dec = decoder()
    a = dec({"ctc": paddle.to_tensor(logits)})
    b = dec({"probs": probs})
    c = dec(paddle.to_tensor(probs))
    d = dec(logits)
    for got in (b, c, d):
        assert [t for t, _ in got] == [t for t, _ in a]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in a], rtol=1e-5)


def test_paddleocr_keys_are_accepted_and_errors():
    assert decoder(character_dict_path="x.txt", use_space_char=True) is not None
    with pytest.raises(ConfigError, match="needs the recognition charset"):
        POSTPROCESS.build({"name": "CTCLabelDecode"}, "PostProcess", charset=None)
    with pytest.raises(ConfigError, match="scores 7 classes"):
        decoder()({"probs": np.full((1, 4, 7), 1 / 7, np.float32)})
    with pytest.raises(ConfigError, match="neither 'probs' nor 'ctc'"):
        decoder()({"sar": np.zeros((1, 4, 5))})

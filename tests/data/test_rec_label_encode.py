import json

import numpy as np
import pytest

from ppocr.charset import Charset
from ppocr.data.transforms import build_transforms
from ppocr.data.transforms.base import BadSample
from ppocr.errors import ConfigError


def run(op, data):
    """The encoded sample, or None where the encoder refuses it (a BadSample with its reason)."""
    try:
        return op(data)
    except BadSample:
        return None


@pytest.fixture(scope="module")
def en_charset(shared):
    return Charset.from_file(str(shared / "reference" / "en_dict.txt"), use_space_char=True)


def test_multi_label_encode_matches_paddleocr(shared, en_charset):
    golden = json.loads((shared / "reference" / "golden" / "rec_label_encode.json").read_text("utf-8"))
    assert en_charset.num_classes_ctc == 97 and en_charset.num_classes_sar == 99
    ops = build_transforms([{"MultiLabelEncode": None}], "Train.dataset.transforms",
                           {"max_text_length": 25}, charset=en_charset)
    assert ops.ops[0].max_text_length == 25
    for text, want in zip(golden["texts"], golden["encoded"], strict=True):
        got = run(ops, {"image": np.zeros((4, 4, 3), np.uint8), "label": text, "img_path": None})
        if want is None:
            assert got is None, text
            continue
        assert got is not None, text
        assert got["label_ctc"].tolist() == want["label_ctc"], text
        assert got["label_sar"].tolist() == want["label_sar"], text
        assert int(got["length"]) == want["length"], text


def test_ctc_and_sar_encoders_agree_with_multi(en_charset):
    from ppocr.data.transforms.rec_label_encode import CTCLabelEncode, MultiLabelEncode, SARLabelEncode

    multi = MultiLabelEncode(en_charset)({"label": "PP-OCRv3"})
    ctc = CTCLabelEncode(en_charset)({"label": "PP-OCRv3"})
    sar = SARLabelEncode(en_charset)({"label": "PP-OCRv3"})
    assert ctc["label"].tolist() == multi["label_ctc"].tolist()
    assert sar["label"].tolist() == multi["label_sar"].tolist()
    assert multi["text"] == ctc["text"] == "PP-OCRv3" and multi["label"] == "PP-OCRv3"


def small():
    return Charset.from_characters(list("abc"))


@pytest.mark.parametrize("text,ctc_ok,sar_ok", [
    ("a" * 5, True, False),   # SAR needs room for start and end: len >= max_len - 1 is dropped
    ("a" * 3, True, True),
    ("a" * 6, False, False),  # longer than max_text_length (counted before dropping)
    ("aé" * 3, False, False),
    ("", False, False),
    ("ééé", False, False),    # empty after dropping unknown characters
])
def test_filtering_rules(text, ctc_ok, sar_ok):
    from ppocr.data.transforms.rec_label_encode import CTCLabelEncode, MultiLabelEncode, SARLabelEncode

    cs = small()
    assert (run(CTCLabelEncode(cs, 5), {"label": text}) is not None) == ctc_ok
    assert (run(SARLabelEncode(cs, 5), {"label": text}) is not None) == sar_ok
    assert (run(MultiLabelEncode(cs, 5), {"label": text}) is not None) == (ctc_ok and sar_ok)


def test_unknown_characters_are_counted_per_label_file(logs):
    from ppocr.data.transforms.rec_label_encode import MultiLabelEncode

    enc = MultiLabelEncode(small(), 10)
    out = enc({"label": "aéb", "label_file": "train.txt", "line_no": 3})
    assert out["label_ctc"][:3].tolist() == [1, 2, 0] and out["text"] == "ab"
    assert run(enc, {"label": "éö", "label_file": "train.txt", "line_no": 4}) is None
    enc({"label": "cx", "label_file": "val.txt"})
    enc({"label": "ab", "label_file": "val.txt"})
    assert "train.txt:3: label 'aéb'" in logs.text and logs.text.count("train.txt") == 1
    summary = enc.unknown_summary()
    assert len(summary) == 2
    assert summary[0].startswith("train.txt: 2 labels contain 3 characters") and "1 labels left empty" in summary[0]
    assert summary[1].startswith("val.txt: 1 labels contain 1 characters")


def test_config_checks():
    from ppocr.registry import TRANSFORMS

    en_charset = small()
    with pytest.raises(ConfigError, match="max_text_length"):
        TRANSFORMS.build_named("CTCLabelEncode", {"max_text_length": 0}, "T", charset=en_charset)
    with pytest.raises(ConfigError, match="needs the recognition charset"):
        TRANSFORMS.build_named("MultiLabelEncode", None, "T", charset=None)
    with pytest.raises(ConfigError, match="must not be set"):
        TRANSFORMS.build_named("MultiLabelEncode", {"charset": "x"}, "T", charset=en_charset)
    # PaddleOCR's Global keys are accepted (the charset carries them) with a warning
    op = TRANSFORMS.build_named("CTCLabelEncode", {"use_space_char": True}, "T", charset=en_charset)
    assert op.max_text_length == 25

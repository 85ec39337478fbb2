"""Recognition samples the label encoder refuses (too long, empty, only characters outside the
dictionary) are logged once each with file, line and reason, counted toward
Global.max_bad_sample_ratio, and summed up per epoch (issue 15, item 4). They used to vanish."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ppocr.charset import Charset
from ppocr.data.collate import collate
from ppocr.data.datasets.base import BAD_KEY
from ppocr.data.datasets.simple import SimpleDataSet
from ppocr.data.loader import MainThreadLoader
from ppocr.data.sampler import EpochBatchSampler
from ppocr.data.transforms import build_transforms
from ppocr.data.transforms.base import BadSample
from tests.helpers import run_tool, write_rec_sets

OPS = [{"DecodeImage": {"img_mode": "BGR"}}, {"CTCLabelEncode": None},
       {"KeepKeys": {"keep_keys": ["image", "label", "length"]}}]


def rec_dataset(root, labels: list[str], max_text_length: int = 25):
    (root / "imgs").mkdir(parents=True, exist_ok=True)
    png = cv2.imencode(".png", np.full((8, 32, 3), 200, np.uint8))[1].tobytes()
    lines = []
    for i, label in enumerate(labels):
        (root / "imgs" / f"{i}.png").write_bytes(png)
        lines.append(f"imgs/{i}.png\t{label}")
    (root / "label.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cs = Charset.from_characters(list("abc"))
    t = build_transforms(OPS, "Train.dataset.transforms", {"max_text_length": max_text_length}, charset=cs)
    return SimpleDataSet([str(root / "label.txt")], t, data_dir=str(root), max_bad_ratio=1.0,
                         where="Train.dataset")


@pytest.mark.parametrize("label,reason", [("a" * 30, "label too long: 30 characters, more than max_text_length 25"),
                                          ("", "empty label"),
                                          ("xyz", "label 'xyz' has no character in the dictionary")])
def test_refused_label_is_counted_and_logged_with_file_line_and_reason(tmp_path, logs, label, reason):
    ds = rec_dataset(tmp_path, ["ab", label, "abc"])
    s = ds[(0, 1)]
    assert s[BAD_KEY] == 1 and s["length"] == 3  # counted; the next sample (abc) takes the slot
    warned = [r.getMessage() for r in logs.records if "label.txt:2 (imgs/1.png)" in r.getMessage()]
    assert len(warned) == 1 and reason in warned[0]
    ds[(0, 1)]
    assert len([r for r in logs.records if "label.txt:2 (imgs/1.png): " in r.getMessage()]) == 1


def test_reasons_are_summed_up_once_per_epoch(tmp_path, logs):
    labels = ["a" * 30 if i % 2 else "ab" for i in range(20)] + ["", "xyz"]
    ds = rec_dataset(tmp_path, labels)
    loader = MainThreadLoader(ds, EpochBatchSampler(len(ds), 4, False, False), collate)
    bad = sum(sum(b[BAD_KEY]) for b in loader)
    assert bad == 12
    lines = [r.getMessage() for r in logs.records if "unusable sample(s) skipped:" in r.getMessage()]
    assert lines == ["Train.dataset: epoch 0: 12 unusable sample(s) skipped: 10 too long, 1 empty, "
                     "1 out of dictionary"]


def test_sar_branch_refuses_labels_without_room_for_its_tokens():
    from ppocr.data.transforms.rec_label_encode import MultiLabelEncode

    with pytest.raises(BadSample, match="start and end tokens") as e:
        MultiLabelEncode(Charset.from_characters(list("abc")), 5)({"label": "aaaa"})
    assert e.value.reason == "too long"


def test_half_the_labels_too_long_stops_training(tmp_path):
    data = write_rec_sets(tmp_path / "data", 40, 4, max_len=10)
    label = data / "train" / "label.txt"
    lines = label.read_text(encoding="utf-8").splitlines()
    label.write_text("\n".join(f"{ln.split(chr(9))[0]}\t{'a' * 30}" if i % 2 else ln
                               for i, ln in enumerate(lines)) + "\n", encoding="utf-8")
    o = {"Global.save_model_dir": tmp_path / "out", "Global.character_dict_path": "ppocr/utils/dict/en_dict.txt",
         "Global.epoch_num": 1, "Global.use_gpu": "false", "Global.eval_batch_step": "[0,10000]",
         "Global.max_text_length": 25,
         "Train.dataset.data_dir": data / "train", "Train.dataset.label_file_list": f"[{label}]",
         "Train.loader.batch_size_per_card": 8, "Train.loader.num_workers": 0, "Train.loader.shuffle": "false",
         "Eval.dataset.data_dir": data / "eval",
         "Eval.dataset.label_file_list": f"[{data / 'eval' / 'label.txt'}]", "Eval.loader.num_workers": 0}
    r = run_tool("tools/train.py", "-c", "configs/rec/ppocrv3_rec_en.yml", "-o", *[f"{k}={v}" for k, v in o.items()],
                 check=False, timeout=300)
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert r.returncode == 2 and len(errors) == 1, (r.stdout + r.stderr)[-3000:]
    assert "Train.dataset: 20 of " in errors[0]
    log = r.stdout + r.stderr
    assert log.count("label too long: 30 characters, more than max_text_length 25") == 20
    assert "epoch 1: 20 unusable sample(s) skipped: 20 too long" in log

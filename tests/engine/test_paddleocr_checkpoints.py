"""PaddleOCR training checkpoints (exactly the keys and shapes of its models, listed in
../shared/reference/paddleocr_state_dicts/) load into our configs with nothing missing or unused."""

from __future__ import annotations

import json

import numpy as np
import paddle
import pytest
from helpers import REPO

from ppocr.config import load_config
from ppocr.engine.builder import build_charset, build_model
from ppocr.engine.checkpoint import load_weights

CASES = [  # reference state dict, our config, overrides
    ("cls.json", "configs/cls/ppocrv3_cls.yml", []),
    ("det_student.json", "configs/det/ppocrv3_det_student.yml", []),
    ("det_dml.json", "configs/det/ppocrv3_det_dml.yml", []),
    ("det_cml.json", "configs/det/ppocrv3_det_cml.yml", []),
    ("rec.json", "configs/rec/ppocrv3_rec.yml", ["Global.character_dict_path={shared}/reference/ppocr_keys_v1.txt"]),
    ("rec_distillation.json", "configs/rec/ppocrv3_rec_udml.yml",
     ["Global.character_dict_path={shared}/reference/ppocr_keys_v1.txt"]),
    ("en_rec.json", "configs/rec/ppocrv3_rec_en.yml", []),
]


@pytest.mark.parametrize("ref, config, overrides", CASES, ids=[c[0] for c in CASES])
def test_paddleocr_checkpoint_loads_strictly(shared, tmp_path, ref, config, overrides):
    spec = json.loads((shared / "reference" / "paddleocr_state_dicts" / ref).read_text())
    rng = np.random.default_rng(0)
    state = {k: paddle.to_tensor(rng.standard_normal(s).astype("float32")) for k, s in spec["state_dict"]}
    paddle.save(state, str(tmp_path / "best_accuracy.pdparams"))

    cfg = load_config(str(REPO / config), [o.format(shared=shared) for o in overrides])
    model = build_model(cfg, build_charset(cfg))
    summary = load_weights(model, str(tmp_path / "best_accuracy"))  # PaddleOCR's prefix form
    assert summary["loaded"] == summary["total"] == spec["num_tensors"]
    assert summary["reinitialised"] == [] and summary["unused"] == []
    key, _ = spec["state_dict"][-1]
    np.testing.assert_array_equal(model.state_dict()[key].numpy(), state[key].numpy())

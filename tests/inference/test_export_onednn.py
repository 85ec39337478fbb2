"""Exports run under oneDNN on the CPU (Paddle Inference's fast path), with no fallback to the plain
kernels, and give the dygraph model's outputs within 1e-5: the det necks (RSEFPN, DBFPN, LKPAN)
export their nearest up-sampling in a form Paddle 3.3's oneDNN executor accepts, and the cls and
rec exports run as they are. Random weights, small inputs."""

from __future__ import annotations

import numpy as np
import paddle
import pytest
from helpers import REPO

from ppocr.config import load_config
from ppocr.engine.builder import Session
from ppocr.engine.export import export_model
from ppocr.inference.predictor import Predictor
from ppocr.modeling.necks.fpn_ops import repeat_pixels

STUDENT = "configs/det/ppocrv3_det_student.yml"
DML = "configs/det/ppocrv3_det_dml.yml"
# name: (config, overrides, sub-model, input shape, input scale). A random ResNet_vd (batch norms
# at identity, residual sums) grows its activations stage by stage: at unit input its det maps are
# sigmoids of logits in the thousands, where float noise of 1e-7 relative is 1e-4 absolute, so the
# teacher cases take a smaller input (the network before the head is positively homogeneous).
CASES = {
    "det_student": (STUDENT, [], None, (1, 3, 96, 64), 1.0),  # MobileNetV3 + RSEFPN + DBHead
    "det_dbfpn": (STUDENT, ["~Architecture.Neck.shortcut", "Architecture.Neck.name=DBFPN"], None,
                  (1, 3, 64, 96), 1.0),
    # the teacher's LKPAN (9x9 kernels) + DBHead(kernel_list [7, 2, 2]) on a lighter ResNet_vd
    "det_teacher": (DML, ["Architecture.Models.Student.Backbone.layers=18"], "Student", (1, 3, 64, 64), 0.01),
    "det_lkpan_lite": (DML, ["Architecture.Models.Student.Backbone.layers=18",
                             "Architecture.Models.Student.Neck.mode=lite"], "Student", (1, 3, 64, 64), 0.01),
    "cls": ("configs/cls/ppocrv3_cls.yml", [], None, (2, 3, 48, 192), 1.0),
    "rec": ("configs/rec/ppocrv3_rec.yml", [], None, (2, 3, 48, 160), 1.0),
}
SLOW = {"det_teacher", "det_lkpan_lite", "rec"}


def _params(names):
    return [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in names]


@pytest.mark.parametrize("name", _params(CASES))
def test_export_runs_under_onednn_and_equals_dygraph(name, tmp_path, logs):
    config, overrides, sub_model, shape, scale = CASES[name]
    cfg = load_config(str(REPO / config), overrides)
    x = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32) * scale
    paddle.seed(0)
    model = Session(cfg).model
    weights = str(tmp_path / "model.pdparams")
    paddle.save(model.state_dict(), weights)  # random weights, written once for both paths
    export_model(cfg, str(tmp_path / "export"), weights=weights, model_name=sub_model)
    if name.startswith("det"):  # the up-sampling is exported as repeated pixels
        assert "nearest_interp" not in (tmp_path / "export" / "inference.json").read_text()

    exported = Predictor.from_export(str(tmp_path / "export"), use_mkldnn=True, use_gpu=False)
    assert exported.backend == "cpu+onednn", logs.text
    assert "oneDNN cannot run this model" not in logs.text
    dygraph = Predictor.from_checkpoint(cfg, weights, model_name=sub_model)

    a, b = dygraph.run(x), exported.run(x)
    assert a.shape == b.shape
    assert float(np.abs(a - b).max()) <= 1e-5


def test_the_exported_upsampling_equals_nearest_interp():
    """The traced form repeats pixels; eager training keeps nearest_interp: same values, bitwise."""
    x = paddle.to_tensor(np.random.default_rng(1).standard_normal((2, 3, 5, 7)).astype(np.float32))
    for factor in (2, 4, 8):
        expected = paddle.nn.functional.interpolate(x, scale_factor=factor, mode="nearest").numpy()
        assert np.array_equal(repeat_pixels(x, factor).numpy(), expected)

"""Our direction classifier and DB detectors have exactly PaddleOCR 2.7's state-dict keys and shapes,
in the same order (construction order), built from PaddleOCR's own configs."""

from __future__ import annotations

import json

import pytest

import ppocr.modeling.architectures  # noqa: F401
import ppocr.modeling.backbones  # noqa: F401
import ppocr.modeling.heads  # noqa: F401
import ppocr.modeling.necks  # noqa: F401
from ppocr.config import read_yaml
from ppocr.registry import ARCHITECTURES

pytestmark = pytest.mark.shared

SUB_MODEL_ONLY = ("name", "algorithm", "pretrained", "freeze_params")


def arch_of(section: dict) -> dict:
    return {k: v for k, v in section.items() if k not in SUB_MODEL_ONLY}


def keys_and_shapes(layer) -> list[tuple[str, list[int]]]:
    return [(k, list(v.shape)) for k, v in layer.state_dict().items()]


def reference(shared, name: str) -> list[tuple[str, list[int]]]:
    data = json.loads((shared / "reference" / "paddleocr_state_dicts" / name).read_text())
    assert len(data["state_dict"]) == data["num_tensors"]
    return [(k, list(s)) for k, s in data["state_dict"]]


def config(shared, name: str) -> dict:
    return read_yaml(str(shared / "reference" / "paddleocr_configs" / name))["Architecture"]


@pytest.mark.parametrize("cfg_name, ref_name", [
    ("cls_mv3.yml", "cls.json"),
    ("ch_PP-OCRv3_det_student.yml", "det_student.json"),
])
def test_single_models_equal_paddleocr(shared, cfg_name, ref_name):
    model = ARCHITECTURES.build({"name": "BaseModel", **arch_of(config(shared, cfg_name))}, "Architecture")
    assert keys_and_shapes(model) == reference(shared, ref_name)


@pytest.mark.parametrize("cfg_name, ref_name, sub_models", [
    ("ch_PP-OCRv3_det_dml.yml", "det_dml.json", {"Student": 316, "Student2": 316}),
    ("ch_PP-OCRv3_det_cml.yml", "det_cml.json", {"Student": 301, "Student2": 301, "Teacher": 316}),
])
def test_distillation_sub_models_equal_paddleocr(shared, cfg_name, ref_name, sub_models):
    """Each sub-model, built alone from its section, has the reference keys under ``<name>.``."""
    arch = config(shared, cfg_name)
    ref = reference(shared, ref_name)
    assert sorted(arch["Models"]) == sorted(sub_models)
    for name, count in sub_models.items():
        sub = {"model_type": arch["model_type"], **arch_of(arch["Models"][name])}
        model = ARCHITECTURES.build({"name": "BaseModel", **sub}, "Architecture")
        expected = [(k[len(name) + 1:], s) for k, s in ref if k.startswith(name + ".")]
        assert len(expected) == count
        assert keys_and_shapes(model) == expected, name


def test_dml_distillation_model_equals_paddleocr(shared):
    """The whole DistillationModel (two ResNet_vd 50 + LKPAN sub-models) key for key."""
    arch = config(shared, "ch_PP-OCRv3_det_dml.yml")
    model = ARCHITECTURES.build(arch, "Architecture")
    assert keys_and_shapes(model) == reference(shared, "det_dml.json")

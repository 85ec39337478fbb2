"""Fixtures of the OCR-system tests: the released models as checkpoints (``make pretrained``) and
exported (Paddle Inference) once per session; each skips cleanly where its inputs are absent."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import missing_oracle

REPO = Path(__file__).resolve().parents[2]
PRETRAINED = REPO / "pretrained"
KINDS = ("det", "rec", "cls")


@pytest.fixture(scope="session")
def pretrained() -> Path:
    missing = [k for k in KINDS if not (PRETRAINED / f"ppocrv3_{k}" / "model.pdparams").is_file()]
    if missing:
        missing_oracle(f"released models absent from {PRETRAINED} ({missing}): run `make pretrained`")
    return PRETRAINED


@pytest.fixture(scope="session")
def release_exports(pretrained, tmp_path_factory) -> dict[str, str]:
    """{kind: export dir} of the released det, rec and cls models (tools/export_model.py's export)."""
    from ppocr.config import load_config
    from ppocr.engine.export import export_model

    out = tmp_path_factory.mktemp("release_exports")
    dirs = {}
    for kind in KINDS:
        folder = pretrained / f"ppocrv3_{kind}"
        overrides = [f"Global.pretrained_model={folder}"]
        if kind == "rec":
            overrides.append(f"Global.character_dict_path={folder / 'ppocr_keys_v1.txt'}")
        export_model(load_config(str(folder / "config.yml"), overrides), str(out / kind))
        dirs[kind] = str(out / kind)
    return dirs


@pytest.fixture(scope="session")
def exported_system(release_exports):
    """The OCR system with PaddleOCR's defaults and the direction classifier, on the exports."""
    from ppocr.inference.params import SystemParams
    from ppocr.inference.system import TextSystem

    return TextSystem.create(SystemParams(use_angle_cls=True), **{f"{k}_model_dir": d for k, d in release_exports.items()})


@pytest.fixture(scope="session")
def doc_images(shared) -> Path:
    return shared / "data" / "doc_images"

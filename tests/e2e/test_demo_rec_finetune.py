"""The demo's recogniser fine-tune, in miniature: configs/rec/ppocrv3_rec_finetune.yml loads every
tensor of the released model, trains, exports with ONNX and infers (the full `make demo` takes minutes)."""

from __future__ import annotations

import json

import pytest
from helpers import REPO, missing_oracle, run_tool, write_rec_sets

pytestmark = pytest.mark.slow
CFG = "configs/rec/ppocrv3_rec_finetune.yml"
CHARS = "0123456789 -:/"  # the demo's alphabet (tools/demo.py REC_CHARS)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    if not (REPO / "pretrained" / "ppocrv3_rec" / "model.pdparams").is_file():
        missing_oracle("pretrained/ppocrv3_rec is absent (make pretrained)")
    return write_rec_sets(tmp_path_factory.mktemp("rec_demo"), 8, 4, chars=CHARS, min_len=8, max_len=20)


def test_finetune_config_from_the_release_trains_exports_and_infers(data, tmp_path):
    out = tmp_path / "run"
    opts = [f"Train.dataset.data_dir={data / 'train'}", f"Train.dataset.label_file_list=[{data / 'train' / 'label.txt'}]",
            f"Eval.dataset.data_dir={data / 'eval'}", f"Eval.dataset.label_file_list=[{data / 'eval' / 'label.txt'}]",
            "Global.max_iters=2", "Train.loader.batch_size_per_card=4", "Train.loader.num_workers=0",
            "Eval.loader.num_workers=0", f"Global.save_model_dir={out}", "Global.use_gpu=false"]
    r = run_tool("tools/train.py", "-c", CFG, "-o", *opts)
    # the CTC-only model is exactly the release: nothing re-initialised, nothing left over
    assert "pretrained/ppocrv3_rec/model.pdparams: loaded 196/196" in r.stdout + r.stderr
    assert json.loads((out / "latest" / "state.json").read_text())["global_step"] == 2

    export = tmp_path / "infer"
    run_tool("tools/export_model.py", "-c", CFG, "-o", f"Global.pretrained_model={out / 'latest'}",
             "--output", str(export), "--onnx")
    assert (export / "inference.onnx").is_file()
    r = run_tool("tools/infer.py", "rec", "--model_dir", str(export), "--image_dir", str(data / "eval" / "images"))
    assert len([line for line in r.stdout.splitlines() if "\t" in line]) == 4

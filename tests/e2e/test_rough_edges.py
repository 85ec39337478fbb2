"""Rough edges a new user hit (issue 13): configs copied elsewhere, relative paths, URLs, and the
log lines of a run."""

from __future__ import annotations

import re
import shutil

import pytest
from helpers import REPO, cls_overrides, run_tool, write_cls_set

CFG = REPO / "configs" / "cls" / "ppocrv3_cls.yml"


def test_a_copied_config_keeps_its_base_and_errors_name_the_derived_file(tmp_path):
    from ppocr.config import load_config
    from ppocr.engine.builder import check_config
    from ppocr.errors import ConfigError

    (tmp_path / "bases").mkdir()
    (tmp_path / "mine").mkdir()
    shutil.copy(CFG, tmp_path / "bases" / "cls.yml")
    derived = tmp_path / "mine" / "cls_small.yml"
    derived.write_text("base: ../bases/cls.yml\nGlobal:\n  epoch_num: 3\nArchitecture:\n  Head:\n    kk: 1\n")
    cfg = load_config(str(derived))  # base: is resolved next to the file that names it
    assert cfg["Global"]["epoch_num"] == 3 and cfg["Architecture"]["Backbone"]["name"] == "MobileNetV3"
    with pytest.raises(ConfigError, match=f"^{re.escape(str(derived))}: Architecture.Head: .*unknown key 'kk'"):
        check_config(cfg)
    with pytest.raises(ConfigError, match=r"^-o Global.epoch_num=ten"):
        load_config(str(derived), ["Global.epoch_num=ten"])


def _train_error(tmp_path, *overrides):
    data = write_cls_set(tmp_path / "d", 8, seed=1)
    r = run_tool("tools/train.py", "-c", str(CFG), "-o", *cls_overrides({"train": data, "eval": data}, tmp_path / "o"),
                 *overrides, check=False)
    assert r.returncode == 2, r.stdout[-2000:] + r.stderr[-2000:]
    lines = [x for x in r.stderr.strip().splitlines() if x.startswith("error:")]
    assert len(lines) == 1, r.stderr[-2000:]
    return lines[0]


def test_relative_paths_are_resolved_against_the_working_directory_and_say_so(tmp_path):
    line = _train_error(tmp_path, "Global.pretrained_model=pretrained/ppocrv3_nothing")
    assert f"relative to the working directory {REPO}" in line and "run `make pretrained`" in line
    line = _train_error(tmp_path, "Train.dataset.label_file_list=[no/such/label.txt]")
    assert "label file not found: no/such/label.txt" in line and "relative to the working directory" in line


def test_a_url_as_pretrained_model_says_nothing_is_downloaded(tmp_path):
    url = "https://paddleocr.bj.bcebos.com/pretrained/MobileNetV3_large_x0_5_pretrained.pdparams"
    line = _train_error(tmp_path, f"Global.pretrained_model={url}")
    assert "Global.pretrained_model" in line and "nothing is downloaded at run time" in line


@pytest.mark.slow
def test_the_log_lines_of_a_run(tmp_path):
    data = write_cls_set(tmp_path / "d", 16, seed=1)
    r = run_tool("tools/train.py", "-c", str(CFG), "-o",
                 *cls_overrides({"train": data, "eval": data}, tmp_path / "o",
                                **{"Global.epoch_num": 3, "Global.eval_batch_step": [0, 2]}))
    out = r.stdout + r.stderr
    saved = re.findall(r"saved latest \(epoch (\d+), step (\d+)\)", out)
    # the routine refresh at each epoch's end is not logged; the last one is, with its real epoch
    assert saved == [("3", "6")], saved
    assert re.search(r"count: 16\b", out) and "count: 16.0" not in out  # counts are integers
    assert "will not take effect" not in out  # Paddle's regulariser notice

"""The ``ppocr`` command (ppocr/tools/ocr.py): paddleocr's flags and its printed results per mode
(det+rec, det only, rec only, cls only), on the released models (skipped without `make pretrained`)
and real images from ../shared. Most cases call ``main(argv)`` in this process; the log switch and
the console entry are run as a user runs them."""

from __future__ import annotations

import ast
import shutil
import sys

import cv2
import numpy as np
import pytest
import tomllib
from helpers import REPO, require_module, run_tool

from ppocr.errors import CheckpointError, ConfigError, DataError
from ppocr.tools.ocr import build_parser, main

QUIET = ["--show_log", "false"]


@pytest.fixture(scope="module")
def system(pretrained):
    from ppocr.inference.params import SystemParams
    from ppocr.inference.system import TextSystem

    return TextSystem.create(SystemParams(use_angle_cls=True))


@pytest.fixture(scope="module")
def crops_dir(shared):
    return shared / "data" / "rec_cls_crops"


@pytest.fixture(scope="module")
def page(doc_images):
    return doc_images / "img_12.jpg"


def run(capsys, *argv: str) -> dict[str, list]:
    """main(argv) -> {input path: [printed result, ...]} (each result parsed back)."""
    main([*argv, *QUIET])
    results: dict[str, list] = {}
    current = None
    for line in capsys.readouterr().out.splitlines():
        if line.startswith("*" * 10) and line.endswith("*" * 10):
            current = line.strip("*")
            results[current] = []
        elif line.startswith(("[", "(")):
            results[current].append(ast.literal_eval(line))
    return results


def test_det_and_rec_prints_boxes_and_texts(capsys, crops_dir, pretrained):
    path = str(crops_dir / "text_cls.jpg")
    ((box, (text, score)),) = run(capsys, "--image_dir", path, "--use_angle_cls", "true")[path]
    assert np.asarray(box).shape == (4, 2) and text == "怪我咯" and score > 0.95
    assert run(capsys, "--image_dir", path, "--cls", "true") == {path: [[box, (text, score)]]}  # --cls: the same
    with pytest.raises(ConfigError, match="disagree"):
        main(["--image_dir", path, "--cls", "false", "--use_angle_cls", "true"])


def test_det_only_prints_the_detectors_boxes(capsys, page, system):
    printed = run(capsys, "--image_dir", str(page), "--rec", "false")[str(page)]
    expected = system.detect(cv2.imread(str(page)), ordered=False)
    assert printed == expected.tolist() and len(printed) == 11


def test_rec_only_prints_text_and_score(capsys, crops_dir, system):
    printed = run(capsys, "--image_dir", str(crops_dir), "--det", "false")
    images = sorted(str(p) for p in crops_dir.glob("*.jpg"))
    assert list(printed) == images
    expected = system.recognize([cv2.imread(p) for p in images])
    assert [r for p in images for r in printed[p]] == expected
    assert printed[str(crops_dir / "text_rec.jpg")][0][0] == "韩国小馆"


def test_rec_only_one_at_a_time_with_batch_1(capsys, crops_dir, system):
    """--rec_batch_num 1 reads each image alone (the paddleocr command's rec-only reading)."""
    printed = run(capsys, "--image_dir", str(crops_dir), "--det", "false", "--rec_batch_num", "1")
    for path in sorted(str(p) for p in crops_dir.glob("*.jpg")):
        assert printed[path] == system.recognize([cv2.imread(path)])


def test_cls_only_prints_labels(capsys, crops_dir, pretrained):
    printed = run(capsys, "--image_dir", str(crops_dir), "--det", "false", "--rec", "false", "--use_angle_cls", "true")
    assert printed[str(crops_dir / "text_cls.jpg")][0][0] == "180"
    assert printed[str(crops_dir / "text_rec.jpg")][0][0] == "0"
    with pytest.raises(ConfigError, match="nothing left to do"):
        main(["--image_dir", str(crops_dir), "--det", "false", "--rec", "false"])


def test_unknown_flags_get_a_did_you_mean():
    with pytest.raises(ConfigError, match="unknown flag --det_db_tresh; did you mean --det_db_thresh"):
        main(["--image_dir", "x", "--det_db_tresh", "0.3"])
    with pytest.raises(ConfigError, match="--use_tensorrt: a paddleocr flag that ppocr does not support"):
        main(["--image_dir", "x", "--use_tensorrt", "true"])
    with pytest.raises(ConfigError, match="unknown flag --de"):  # no abbreviations: --de is not --det
        main(["--image_dir", "x", "--de", "false"])


def test_flags_reach_the_system():
    args = build_parser().parse_args(
        ["--image_dir", "x", "--det_limit_side_len", "736", "--det_limit_type", "min", "--det_db_thresh", "0.2",
         "--det_db_box_thresh", "0.5", "--det_db_unclip_ratio", "2.0", "--det_db_score_mode", "slow",
         "--use_dilation", "true", "--drop_score", "0.7", "--rec_batch_num", "3", "--use_gpu", "false",
         "--enable_mkldnn", "false", "--use_onnx", "true", "--page_num", "2", "--vis_font_path", "f.ttf"])
    assert (args.det_limit_side_len, args.det_limit_type, args.det_db_thresh, args.det_db_box_thresh) == \
        (736, "min", 0.2, 0.5)
    assert (args.det_db_unclip_ratio, args.det_db_score_mode, args.use_dilation, args.drop_score) == \
        (2.0, "slow", True, 0.7)
    assert (args.rec_batch_num, args.use_gpu, args.use_mkldnn, args.use_onnx, args.page_num) == (3, False, False, True, 2)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--image_dir", "x", "--det", "maybe"])


@pytest.mark.slow
def test_det_thresholds_and_drop_score_change_the_output(capsys, page, pretrained):
    path = str(page)
    default = run(capsys, "--image_dir", path)[path]
    strict = run(capsys, "--image_dir", path, "--det_db_box_thresh", "0.9", "--rec", "false")[path]
    assert len(strict) < len(default) == 11
    small = run(capsys, "--image_dir", path, "--det_limit_side_len", "320", "--rec", "false")[path]
    assert sorted(map(str, small)) != sorted(str(line[0]) for line in default)
    median = sorted(score for _, (_, score) in default)[5]
    kept = run(capsys, "--image_dir", path, "--drop_score", str(median))[path]
    assert [line for line in default if line[1][1] >= median] == kept and 0 < len(kept) < 11
    # one line per batch: each line padded to its own width only (scores move), the same texts
    alone = {str(box): text for box, (text, _) in run(capsys, "--image_dir", path, "--rec_batch_num", "1",
                                                       "--drop_score", "0")[path]}
    assert [alone[str(box)] for box, _ in default] == [text for _, (text, _) in default]


def test_lang(crops_dir, pretrained):
    with pytest.raises(ConfigError, match="ships only the Chinese PP-OCRv3 models"):
        main(["--image_dir", str(crops_dir), "--lang", "en"])
    with pytest.raises(ConfigError, match="did you mean 'ch'"):
        main(["--image_dir", str(crops_dir), "--lang", "chh"])


@pytest.mark.slow
def test_rec_char_dict_path(capsys, crops_dir, pretrained, release_exports, tmp_path):
    keys = pretrained / "ppocrv3_rec" / "ppocr_keys_v1.txt"
    path = str(crops_dir / "text_rec.jpg")
    for source in ([], ["--use_onnx", "false"], ["--rec_model_dir", release_exports["rec"]]):  # release, checkpoint, export
        printed = run(capsys, "--image_dir", path, "--det", "false", "--rec_char_dict_path", str(keys), *source)
        assert printed[path][0][0] == "韩国小馆"
    small = tmp_path / "en.txt"
    small.write_text("".join(f"{c}\n" for c in "abcdefghijklmnopqrstuvwxyz"))
    with pytest.raises(ConfigError, match="rec_char_dict_path.*28 CTC classes, but the rec model outputs 6625"):
        main(["--image_dir", path, "--det", "false", "--rec_char_dict_path", str(small),
              "--rec_model_dir", release_exports["rec"]])
    with pytest.raises(ConfigError, match="rec_char_dict_path.*28 CTC classes, but the rec model outputs 6625"):
        main(["--image_dir", path, "--det", "false", "--rec_char_dict_path", str(small)])  # the release's ONNX
    with pytest.raises(CheckpointError, match="6625, model 28"):  # a checkpoint's head is built for the dictionary
        main(["--image_dir", path, "--det", "false", "--rec_char_dict_path", str(small), "--use_onnx", "false"])


def test_save_crop_res(capsys, page, tmp_path, pretrained):
    out = tmp_path / "crops"
    printed = run(capsys, "--image_dir", str(page), "--save_crop_res", "true", "--crop_res_save_dir", str(out))
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"mg_crop_{i}.jpg" for i in range(len(printed[str(page)])))
    first = cv2.imread(str(out / "mg_crop_0.jpg"))
    assert first.shape[1] > 3 * first.shape[0]  # a line crop


def test_output_and_drawn_images(capsys, crops_dir, tmp_path, pretrained):
    out = tmp_path / "out"
    run(capsys, "--image_dir", str(crops_dir), "--output", str(out), "--draw_img", "true")
    lines = (out / "ocr_results.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and lines[1].startswith(str(crops_dir / "text_rec.jpg") + "\t")
    drawn = cv2.imread(str(out / "ocr_res_text_rec.jpg"))
    assert drawn.shape[1] > 600
    with pytest.raises(DataError, match="no such font file"):
        main(["--image_dir", str(crops_dir), "--output", str(out), "--draw_img", "true",
              "--vis_font_path", str(tmp_path / "none.ttf"), *QUIET])


@pytest.mark.slow
def test_use_gpu_true_without_a_gpu_runs_on_the_cpu(capsys, release_exports, crops_dir):
    import logging

    import paddle

    from ppocr.utils.logging import get_logger

    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())
    get_logger().addHandler(handler)
    try:
        path = str(crops_dir / "text_rec.jpg")
        printed = run(capsys, "--image_dir", path, "--det", "false", "--use_gpu", "true",
                      "--rec_model_dir", release_exports["rec"])
    finally:
        get_logger().removeHandler(handler)
    assert printed[path][0][0] == "韩国小馆"
    if paddle.device.cuda.device_count() == 0:
        assert any("no usable GPU" in r and "running on the CPU" in r for r in records), records


@pytest.mark.slow
def test_use_onnx(capsys, release_exports, page, crops_dir, tmp_path, system):
    require_module("onnxruntime")
    require_module("paddle2onnx")
    from ppocr.engine.onnx_export import export_onnx

    dirs = {}
    for kind in ("det", "rec"):
        dirs[kind] = tmp_path / kind
        shutil.copytree(release_exports[kind], dirs[kind])
        export_onnx(str(dirs[kind]))
    models = ["--use_onnx", "true", "--det_model_dir", str(dirs["det"]), "--rec_model_dir", str(dirs["rec"])]
    path = str(page)
    printed = run(capsys, "--image_dir", path, *models)[path]
    expected = system(cv2.imread(path))
    assert [text for _, (text, _) in printed] == [line.text for line in expected]
    assert np.abs(np.asarray([b for b, _ in printed]) - np.stack([line.points for line in expected])).max() <= 1
    # a bare .onnx file: PaddleOCR's processing for the stage it is given for; rec needs its dictionary
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(dirs["rec"] / "inference.onnx", bare / "rec.onnx")
    crop = str(crops_dir / "text_rec.jpg")
    with pytest.raises(ConfigError, match="no dictionary"):
        main(["--image_dir", crop, "--det", "false", "--use_onnx", "true", "--rec_model_dir", str(bare / "rec.onnx")])
    keys = str(REPO / "pretrained" / "ppocrv3_rec" / "ppocr_keys_v1.txt")
    printed = run(capsys, "--image_dir", crop, "--det", "false", "--use_onnx", "true",
                  "--rec_model_dir", str(bare / "rec.onnx"), "--rec_char_dict_path", keys)
    assert printed[crop][0][0] == "韩国小馆"
    # no --det_model_dir: the released det's ONNX file (ppocr-pretrained keeps it)
    printed = run(capsys, "--image_dir", path, "--use_onnx", "true", "--rec_model_dir", str(dirs["rec"]))[path]
    assert [text for _, (text, _) in printed] == [line.text for line in expected]


def test_pdf_pages(capsys, doc_images, tmp_path, pretrained):
    require_module("pypdfium2")
    from PIL import Image

    pdf = tmp_path / "doc.pdf"
    Image.open(doc_images / "img_12.jpg").convert("RGB").save(
        pdf, save_all=True, append_images=[Image.open(doc_images / "254.jpg").convert("RGB")], resolution=72)
    whole = run(capsys, "--image_dir", str(pdf), "--rec", "false")[str(pdf)]
    first = run(capsys, "--image_dir", str(pdf), "--rec", "false", "--page_num", "1")[str(pdf)]
    assert len(first) == 11 and len(whole) > len(first)  # boxes of both pages, one per line


@pytest.mark.slow
def test_show_log_and_the_module_entry(crops_dir, pretrained):
    path = str(crops_dir / "text_rec.jpg")
    loud = run_tool("-m", "ppocr.tools.ocr", "--image_dir", path, "--det", "false").stdout
    quiet = run_tool("-m", "ppocr.tools.ocr", "--image_dir", path, "--det", "false", "--show_log", "false").stdout
    assert " INFO " in loud and " INFO " not in quiet
    assert quiet.splitlines()[-1].startswith("('韩国小馆', 0.99")
    bad = run_tool("-m", "ppocr.tools.ocr", "--image_dir", path, "--det_db_tresh", "1", check=False)
    assert bad.returncode == 2 and bad.stderr.strip().splitlines()[-1] == \
        "error: unknown flag --det_db_tresh; did you mean --det_db_thresh?"


def test_console_script_entry():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    module, func = scripts["ppocr"].split(":")
    assert module == "ppocr.tools.ocr" and callable(getattr(sys.modules[module], func))


def test_an_unreadable_input_is_one_line(capsys, crops_dir, tmp_path, pretrained):
    (tmp_path / "a.jpg").write_bytes((crops_dir / "text_rec.jpg").read_bytes())
    (tmp_path / "broken.png").write_bytes(b"not an image")
    main(["--image_dir", str(tmp_path), "--det", "false", *QUIET])
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith(f"{tmp_path / 'broken.png'}\tERROR: cannot read image")
    assert out[1].startswith("('韩国小馆', ")

"""tools/report.py: one self-contained HTML page per training run, checked through its DOM.

One tiny training run per task type (module fixtures); the page's summary must equal log.jsonl,
the curves and gallery images must be inline PNG data URIs, and the gallery must hold what the
run's own weights get wrong (rec, cls) or every eval image with its boxes (det)."""

from __future__ import annotations

import base64
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml
from helpers import REPO, cls_overrides, run_tool, write_cls_set, write_rec_sets

from ppocr.inference.report_log import read_log

EN_DICT = "ppocr/utils/dict/en_dict.txt"
VOID = {"img", "meta", "br", "hr", "input", "link"}


# -- a minimal DOM ---------------------------------------------------------------------------------
class Node:
    def __init__(self, tag: str, attrs: dict, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.texts = tag, attrs, parent, [], []

    def text(self) -> str:
        return "".join(self.texts) + "".join(c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            yield from c.iter()

    def find_all(self, tag: str, **attrs) -> list[Node]:
        return [n for n in self.iter() if n.tag == tag and all(
            attrs[k] in n.attrs.get(k.rstrip("_"), "").split() if k == "class_" else n.attrs.get(k) == v
            for k, v in attrs.items())]

    def find(self, tag: str, **attrs) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


class DomBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = self.cur = Node("#root", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_endtag(self, tag):
        node = self.cur
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data):
        self.cur.texts.append(data)


def parse(path: Path) -> Node:
    builder = DomBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    return builder.root


def summary(dom: Node) -> dict:
    table = dom.find("table", id="summary")
    return {tr.attrs["data-key"]: json.loads(tr.find("td").attrs["data-value"]) for tr in table.find_all("tr")}


def png_of(img: Node) -> np.ndarray:
    src = img.attrs["src"]
    assert src.startswith("data:image/png;base64,")
    image = cv2.imdecode(np.frombuffer(base64.b64decode(src.split(",", 1)[1]), np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.size
    return image


def gallery_rows(dom: Node) -> list[Node]:
    table = dom.find("table", id="gallery")
    assert table is not None
    return table.find("tbody").find_all("tr", class_="item")


def assert_self_contained(dom: Node, curves: set[str]) -> None:
    imgs = dom.find_all("img")
    assert imgs and all(i.attrs["src"].startswith("data:image/png;base64,") for i in imgs)
    assert not dom.find_all("link") and not dom.find_all("script")
    assert {i.attrs["data-curve"] for i in dom.find("div", id="curves").find_all("img")} == curves
    for img in dom.find("div", id="curves").find_all("img"):
        assert png_of(img).shape[1] > 300


def assert_summary_matches_log(dom: Node, run: Path, main: str) -> dict:
    s = summary(dom)
    records = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
    evals = [r for r in records if r["kind"] == "eval"]
    assert s["steps"] == max(r["step"] for r in records)
    assert s["main_indicator"] == main
    assert s["best"] == evals[-1][f"best_{main}"] and s["best_step"] == evals[-1]["best_step"]
    assert s["best"] == max(r[main] for r in evals)
    assert s["final"] == evals[-1][main] and s["final_step"] == evals[-1]["step"]
    assert s["evaluations"] == len(evals)
    assert s["config"] == str((run / "config.yml").resolve())
    assert s["weights"] == str((run / "best_accuracy").resolve())
    ends = [r for r in records if r["kind"] == "summary"]  # SummaryHook's record, where training wrote one
    if ends:
        assert s["wall_s"] == ends[-1]["wall_s"] and s["samples_per_s"] == ends[-1]["samples_per_s"]
        assert (s["best"], s["best_step"], s["final"]) == (ends[-1]["best"], ends[-1]["best_step"], ends[-1]["final"])
    return s


def best_eval(run: Path) -> dict:
    records = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
    evals = [r for r in records if r["kind"] == "eval"]
    return next(r for r in evals if r["step"] == evals[-1]["best_step"])


# -- the runs ----------------------------------------------------------------------------------------
def rec_overrides(data: Path, out: Path) -> list[str]:
    o = {"Global.save_model_dir": out, "Global.character_dict_path": EN_DICT, "Global.max_iters": 2,
         "Global.print_batch_step": 1, "Global.eval_batch_step": "[0,1]", "Global.use_gpu": "false",
         "Train.dataset.data_dir": data / "train", "Train.dataset.label_file_list": f"[{data / 'train' / 'label.txt'}]",
         "Train.loader.batch_size_per_card": 4, "Train.loader.num_workers": 0,
         "Eval.dataset.data_dir": data / "eval", "Eval.dataset.label_file_list": f"[{data / 'eval' / 'label.txt'}]",
         "Eval.loader.batch_size_per_card": 6, "Eval.loader.num_workers": 0}
    return [f"{k}={v}" for k, v in o.items()]


def det_overrides(data: Path, out: Path) -> list[str]:
    o = {"Global.save_model_dir": out, "Global.epoch_num": 1, "Global.print_batch_step": 1,
         "Global.eval_batch_step": "[0,1]", "Global.use_gpu": "false",
         "Train.dataset.data_dir": data / "train", "Train.dataset.label_file_list": f"[{data / 'train' / 'label.txt'}]",
         "Train.dataset.transforms.EastRandomCropData.size": "[128,128]",
         "Train.loader.batch_size_per_card": 2, "Train.loader.num_workers": 0,
         "Eval.dataset.data_dir": data / "eval", "Eval.dataset.label_file_list": f"[{data / 'eval' / 'label.txt'}]",
         "Eval.dataset.transforms.DetResizeForTest.limit_side_len": 192,
         "Eval.dataset.transforms.DetResizeForTest.limit_type": "max", "Eval.loader.num_workers": 0}
    return [f"{k}={v}" for k, v in o.items()]


@pytest.fixture(scope="module")
def cls_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report_cls")
    data = {"train": write_cls_set(root / "train", 16, 1), "eval": write_cls_set(root / "eval", 8, 2)}
    out = root / "run"
    run_tool("tools/train.py", "-c", str(REPO / "configs/cls/ppocrv3_cls.yml"), "-o",
             *cls_overrides(data, out, **{"Global.epoch_num": 2, "Global.print_batch_step": 1,
                                          "Global.eval_batch_step": [0, 1]}))
    return out


@pytest.fixture(scope="module")
def rec_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report_rec")
    data = write_rec_sets(root / "data", 8, 5, max_len=8)
    out = root / "run"
    run_tool("tools/train.py", "-c", str(REPO / "configs/rec/ppocrv3_rec.yml"), "-o", *rec_overrides(data, out))
    return out


@pytest.fixture(scope="module")
def det_run(tmp_path_factory) -> Path:
    try:
        from ppocr_synth import make_det_set
    except ImportError:  # before the generator moved out of the package
        from ppocr.data.synth import make_det_set
    root = tmp_path_factory.mktemp("report_det")
    make_det_set(str(root / "train"), 4, seed=1, height=192, width=192, max_len=8)
    make_det_set(str(root / "eval"), 2, seed=2, height=192, width=192, max_len=8)
    out = root / "run"
    run_tool("tools/train.py", "-c", str(REPO / "configs/det/ppocrv3_det_student.yml"), "-o",
             *det_overrides(root, out))
    return out


def report(run: Path, tmp_path: Path, **kwargs) -> Node:
    from ppocr.inference.report import build_report

    out = tmp_path / "report.html"
    assert build_report(str(run), out=str(out), **kwargs).path == str(out)
    return parse(out)


# -- tests -------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_cls_report_from_the_command_line(cls_run):
    r = run_tool("tools/report.py", str(cls_run))
    page = cls_run / "report.html"
    assert r.stdout.strip().splitlines()[-1] == str(page)
    dom = parse(page)
    assert_self_contained(dom, {"loss", "lr", "metrics"})
    assert_summary_matches_log(dom, cls_run, "acc")
    best = best_eval(cls_run)
    mistakes = round(best["count"] * (1 - best["acc"]))  # best_accuracy's own figure, re-run
    rows = gallery_rows(dom)
    assert len(rows) == mistakes > 0
    labels = dict(line.split("\t") for line in (cls_run.parent / "eval" / "label.txt").read_text().splitlines())
    for row in rows:
        truth, pred = row.find("td", class_="truth").text(), row.find("td", class_="prediction").text()
        assert truth in ("0", "180") and pred in ("0", "180") and truth != pred
        source = row.find("td", class_="source").text()
        assert labels[source.split("(")[1].rstrip(")")] == truth
        assert 0.0 <= float(row.find("td", class_="score").text()) <= 1.0
        assert png_of(row.find("img")).shape[0] == 40  # the crop as it is
    assert f"{mistakes} mistake(s) among 8" in dom.find("p", id="gallery-note").text()


@pytest.mark.slow
def test_max_items_caps_the_gallery(cls_run, tmp_path):
    dom = report(cls_run, tmp_path, max_items=1)
    assert len(gallery_rows(dom)) == 1


def checked_page(run, tmp_path, metric):
    """The report of ``run``: self-contained, its summary equal to the log; (dom, gallery rows)."""
    dom = report(run, tmp_path)
    assert_self_contained(dom, {"loss", "lr", "metrics"})
    assert_summary_matches_log(dom, run, metric)
    return dom, gallery_rows(dom)


@pytest.mark.slow
def test_rec_report_lists_the_mistakes(rec_run, tmp_path):
    dom, rows = checked_page(rec_run, tmp_path, "acc")
    best = best_eval(rec_run)
    assert len(rows) == round(best["count"] * (1 - best["acc"])) == 5  # two steps: all wrong
    truths = [line.split("\t", 1)[1] for line in (rec_run.parent / "data/eval/label.txt").read_text().splitlines()]
    assert [r.find("td", class_="truth").text() for r in rows] == truths
    for row in rows:
        assert row.find("td", class_="prediction").text() != row.find("td", class_="truth").text()
        assert png_of(row.find("img")).shape[0] > 10


@pytest.mark.slow
def test_det_report_draws_truth_and_predictions(det_run, tmp_path):
    from ppocr.inference.report_gallery import TRUTH_COLOR

    dom, rows = checked_page(det_run, tmp_path, "hmean")
    assert dom.find("table", id="gallery").attrs["data-kind"] == "det" and len(rows) == 2
    labels = [json.loads(line.split("\t", 1)[1])
              for line in (det_run.parent / "eval/label.txt").read_text().splitlines()]
    for row, boxes in zip(rows, labels):
        image = png_of(row.find("img"))
        assert image.shape[:2] == (384, 384)  # 192 x 192 pages are shown enlarged
        assert (np.abs(image.astype(int) - TRUTH_COLOR).sum(axis=2) == 0).any()  # truth boxes drawn
        truth = row.find("td", class_="truth").text()
        assert all(b["transcription"] in truth for b in boxes)
        assert row.find("td", class_="prediction").text().split()[0].isdigit()
        assert "hmean" in row.find("td", class_="score").text()


@pytest.mark.slow
def test_without_weights_the_page_says_why(cls_run, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    for name in ("log.jsonl", "config.yml"):
        shutil.copy(cls_run / name, run / name)
    dom = report(run, tmp_path)
    assert_self_contained(dom, {"loss", "lr", "metrics"})
    assert dom.find("table", id="gallery") is None
    assert "no weights" in dom.find("p", id="gallery-absent").text()
    assert summary(dom)["weights"] is None


@pytest.mark.slow
def test_without_eval_set_the_page_says_why(cls_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(cls_run, run)
    cfg = yaml.safe_load((run / "config.yml").read_text())
    del cfg["Eval"]
    (run / "config.yml").write_text(yaml.safe_dump(cfg))
    dom = report(run, tmp_path)
    assert "no Eval section" in dom.find("p", id="gallery-absent").text()
    assert len(dom.find("div", id="curves").find_all("img")) == 3


def test_user_errors_are_one_line_exit_2(tmp_path):
    r = run_tool("tools/report.py", str(tmp_path / "missing"), check=False)
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "no such directory" in r.stderr


def test_log_reading_keeps_the_last_record_of_a_step_and_skips_torn_lines(tmp_path):
    lines = [{"kind": "train", "step": 1, "lr": 0.1, "loss": 3.0, "CTCLoss": 2.0, "acc": 0.1, "ips": 9.0},
             {"kind": "eval", "step": 2, "acc": 0.2, "count": 4.0, "best_acc": 0.2, "best_step": 2},
             {"kind": "train", "step": 2, "lr": 0.1, "loss": 2.0, "CTCLoss": 1.0, "acc": 0.2, "eta": "0:00:01"},
             {"kind": "summary", "step": 2, "wall_s": 3.0, "samples_per_s": 5.0, "start": None},
             {"kind": "train", "step": 2, "lr": 0.05, "loss": 1.5, "CTCLoss": 1.0, "acc": 0.3},  # resumed
             {"kind": "other", "step": 2, "x": 1.0},
             {"kind": "summary", "step": 2, "wall_s": 1.5, "samples_per_s": 4.0, "start": 0.1}]
    (tmp_path / "log.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + '\n{"kind": "tr')
    log = read_log(str(tmp_path / "log.jsonl"))
    assert log.skipped == 1 and [r["step"] for r in log.train] == [1, 2] and log.train[1]["lr"] == 0.05
    assert log.loss_keys() == ["loss", "CTCLoss"] and log.train_metric_keys() == ["acc"]
    assert log.summary() == {"steps": 2, "main_indicator": "acc", "evaluations": 1, "best": 0.2,
                             "best_step": 2, "final": 0.2, "final_step": 2, "start": 0.1, "wall_s": 4.5,
                             "samples_per_s": 4.0}


def test_det_item_draws_predicted_boxes_in_their_colour():
    from ppocr.inference.report_gallery import PRED_COLOR, TRUTH_COLOR, _det_item

    ok, buf = cv2.imencode(".png", np.full((100, 200, 3), 255, np.uint8))
    box = [[20, 20], [80, 20], [80, 50], [20, 50]]
    raw = {"image": buf.tobytes(), "label": json.dumps([{"transcription": "hi", "points": box}])}
    sample = {"polys": np.array([box], np.float32), "ignore_tags": np.array([False])}
    pred = {"points": [np.array([[100, 30], [180, 30], [180, 70], [100, 70]])], "scores": [0.9]}
    item = _det_item(raw, sample, pred, {"hmean": 0.0}, "label.txt:1 (a.png)")
    image = cv2.imdecode(np.frombuffer(item.png, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape[:2] == (192, 384)  # enlarged to a 384-pixel side
    for color in (TRUTH_COLOR, PRED_COLOR):
        assert (np.abs(image.astype(int) - color).sum(axis=2) == 0).any()
    assert item.truth == "1 box: hi" and item.prediction == "1 box, mean score 0.900"

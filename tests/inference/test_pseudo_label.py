"""PseudoLabeler (UIM) with a stand-in recogniser: filters, unreadable images, resume, re-filtering."""

from __future__ import annotations

import json

import pytest

from ppocr.errors import ConfigError
from ppocr.inference.pseudo_label import Filters, PseudoLabeler, charset_filter, crop_items, histogram

# what the stand-in recogniser reads in each "image" (the image is its own path here)
TRUTH = {"a.png": ("HELLO", 0.99), "b.png": ("W0RLD", 0.42), "c.png": (" ok ", 0.97), "d.png": ("", 0.99),
         "e.png": ("Ünïcode", 0.95), "f.png": ("a much longer line", 0.93), "g.png": ("x", 0.91)}
UNREADABLE = {"broken.png"}


def read(path):
    name = path.rsplit("/", 1)[-1]
    return None if name in UNREADABLE else name


class Recognizer:
    """Calls counted; ``fail_after`` batches it raises, as a killed process would stop."""

    def __init__(self, fail_after: int | None = None):
        self.seen: list[str] = []
        self.fail_after = fail_after
        self.label = crop_items(self.recognize)

    def recognize(self, images):
        if self.fail_after is not None and len(self.seen) >= self.fail_after * 2:
            raise KeyboardInterrupt
        self.seen += images
        return [TRUTH[i] for i in images]


def paths(tmp_path):
    return [str(tmp_path / n) for n in [*TRUTH, "broken.png"]]


def labels(out):
    return [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]


def test_filters_keep_what_passes_and_count_drops_by_reason(tmp_path):
    out = tmp_path / "uim" / "pseudo.txt"
    filters = Filters(min_score=0.9, min_len=2, max_len=10)
    summary = PseudoLabeler(str(out), "m", filters, batch_size=3).run(paths(tmp_path), Recognizer().label, read)
    assert labels(out) == [[str(tmp_path / "a.png"), "HELLO"], [str(tmp_path / "c.png"), "ok"],
                           [str(tmp_path / "e.png"), "Ünïcode"]]
    assert summary["images"] == 8 and summary["lines"] == 7 and summary["kept"] == 3
    assert summary["dropped"] == {"unreadable": 1, "empty": 1, "low_score": 1, "too_short": 1,
                                  "too_long": 1, "charset": 0}
    assert summary["score_histogram"]["0.4-0.5"] == 1 and summary["score_histogram"]["0.9-1.0"] == 6
    assert sum(summary["score_histogram_kept"].values()) == 3
    assert json.loads((tmp_path / "uim" / "pseudo.summary.json").read_text()) == summary


def test_charset_filter_and_relative_paths(tmp_path):
    (tmp_path / "dict.txt").write_text("\n".join("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") + "\n")
    out = tmp_path / "p.txt"
    filters = Filters(min_score=0.9, charset=charset_filter(str(tmp_path / "dict.txt")))
    summary = PseudoLabeler(str(out), "m", filters, relative_to=str(tmp_path)).run(paths(tmp_path), Recognizer().label, read)
    assert labels(out) == [["a.png", "HELLO"], ["c.png", "ok"], ["f.png", "a much longer line"], ["g.png", "x"]]
    assert summary["dropped"]["charset"] == 1  # Ünïcode; the space of f.png is allowed


def test_interrupted_run_resumes_without_duplicates(tmp_path):
    out = tmp_path / "p.txt"
    filters = Filters(min_score=0.9)
    with pytest.raises(KeyboardInterrupt):
        PseudoLabeler(str(out), "m", filters, batch_size=2).run(paths(tmp_path), Recognizer(fail_after=2).label, read)
    assert [t for _, t in labels(out)] == ["HELLO", "ok"]  # batches [a, b] and [c, d] done, as they came
    # a kill in the middle of writing: half a journal line and half a label line
    journal = tmp_path / "p.txt.journal.jsonl"
    with open(journal, "a") as f:
        f.write('{"path": "/half')
    with open(out, "a") as f:
        f.write("/half/a line")

    again = Recognizer()
    summary = PseudoLabeler(str(out), "m", filters, batch_size=2).run(paths(tmp_path), again.label, read)
    assert again.seen == ["e.png", "f.png", "g.png"]  # only what the journal did not hold
    assert summary["resumed"] == 4 and summary["images"] == 8

    fresh = tmp_path / "fresh.txt"
    PseudoLabeler(str(fresh), "m", filters).run(paths(tmp_path), Recognizer().label, read)
    assert out.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8")  # same as uninterrupted

    nothing = Recognizer()
    PseudoLabeler(str(out), "m", filters).run(paths(tmp_path), nothing.label, read)  # finished: a no-op
    assert nothing.seen == [] and out.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8")


def test_rerun_with_other_filters_rederives_without_the_model(tmp_path):
    out = tmp_path / "p.txt"
    PseudoLabeler(str(out), "m", Filters(min_score=0.9)).run(paths(tmp_path), Recognizer().label, read)
    nothing = Recognizer()
    summary = PseudoLabeler(str(out), "m", Filters(min_score=0.4)).run(paths(tmp_path), nothing.label, read)
    assert nothing.seen == [] and summary["kept"] == 6 and ["W0RLD"] == [t for _, t in labels(out) if "0" in t]


def test_journal_of_another_model_is_refused(tmp_path):
    out = tmp_path / "p.txt"
    PseudoLabeler(str(out), "model A", Filters()).run(paths(tmp_path), Recognizer().label, read)
    with pytest.raises(ConfigError, match="holds predictions of another model \\(model A\\)"):
        PseudoLabeler(str(out), "model B", Filters()).run(paths(tmp_path), Recognizer().label, read)


def test_bad_filter_values_are_config_errors():
    with pytest.raises(ConfigError, match="min_score must be in \\[0, 1\\]"):
        Filters(min_score=1.5)
    with pytest.raises(ConfigError, match="min_len <= max_len"):
        Filters(min_len=5, max_len=2)


def test_histogram_bins():
    assert list(histogram([0.0, 0.05, 0.1, 0.999, 1.0]).values()) == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]


def test_whole_image_items_each_become_a_line(tmp_path):
    def two_lines_per_image(batch):  # a detector finding two lines, or none in "c.png"
        return [[] if p.endswith("c.png") else
                [{"path": f"{p}_{k}.jpg", "text": f"line {k}", "score": 0.95} for k in range(2)]
                for p, _ in batch]

    out = tmp_path / "p.txt"
    src = [str(tmp_path / n) for n in ("a.png", "broken.png", "c.png", "e.png")]
    summary = PseudoLabeler(str(out), "m", Filters(min_score=0.9)).run(src, two_lines_per_image, read)
    assert [p for p, _ in labels(out)] == [f"{tmp_path}/{n}_{k}.jpg" for n in ("a.png", "e.png") for k in (0, 1)]
    assert summary["images"] == 4 and summary["images_without_text"] == 1 and summary["lines"] == 4
    assert summary["dropped"]["unreadable"] == 1 and summary["kept"] == 4

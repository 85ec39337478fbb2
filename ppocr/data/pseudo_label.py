"""Pseudo-labels for unlabelled text crops (PP-OCRv3's UIM: unlabelled images mining).

A strong recogniser reads every crop; predictions that pass the filters become a PaddleOCR rec
label file (``path<TAB>text``) plus a JSON summary (kept, dropped by reason, score histogram).

Every prediction, kept or not, first goes to a journal (``<output>.journal.jsonl``: a header line
naming the model, then one JSON line per image, flushed per batch). The journal is the truth; the
label file and the summary are derived from it:
- a run that is killed at any point loses at most the batch in flight; the next run with the same
  output drops a half-written last journal line, rewrites the label file from the journal (so no
  line is doubled or lost) and reads only the images the journal does not hold;
- a rerun with other filters (``min_score``, lengths, charset) re-derives the label file without
  running the model again; a journal written by another model is refused.
Unreadable images are journalled as such, skipped and counted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from ppocr.errors import ConfigError, DataError
from ppocr.utils.io import atomic_write_json, atomic_write_text
from ppocr.utils.logging import get_logger

JOURNAL_VERSION = 1
# drop reasons, in the order they are tested (an image is counted under the first that applies)
REASONS = ("unreadable", "empty", "low_score", "too_short", "too_long", "charset")
HIST_BINS = 10


@dataclass
class Filters:
    min_score: float = 0.0
    min_len: int = 0
    max_len: int = 0  # 0: no limit
    charset: frozenset[str] | None = None  # characters allowed (None: any)
    charset_source: str | None = None

    def __post_init__(self):
        if not 0.0 <= self.min_score <= 1.0:
            raise ConfigError(f"min_score must be in [0, 1], got {self.min_score}")
        if self.min_len < 0 or self.max_len < 0 or (self.max_len and self.max_len < self.min_len):
            raise ConfigError(f"length filter: need 0 <= min_len <= max_len (0: none), got "
                              f"min_len={self.min_len}, max_len={self.max_len}")

    def reason(self, entry: dict) -> str | None:
        """Why ``entry`` (a journal record) is dropped, or None when it is kept."""
        if entry.get("text") is None:
            return "unreadable"
        text, score = entry["text"], float(entry["score"])
        if not text.strip() or "\t" in text or "\n" in text:
            return "empty"
        if score < self.min_score:
            return "low_score"
        if len(text) < self.min_len:
            return "too_short"
        if self.max_len and len(text) > self.max_len:
            return "too_long"
        if self.charset is not None and any(c not in self.charset for c in text):
            return "charset"
        return None

    def describe(self) -> dict:
        d = asdict(self)
        d["charset"] = self.charset_source
        del d["charset_source"]
        return d


def charset_filter(path: str, allow_space: bool = True) -> frozenset[str]:
    """The characters of a PaddleOCR dictionary file (one a line), plus the space."""
    from ppocr.charset import read_dictionary

    chars = set(read_dictionary(path))
    if allow_space:
        chars.add(" ")
    return frozenset(chars)


@dataclass
class Journal:
    """``<output>.journal.jsonl``: what was read so far (path -> {text, score} or {text: None})."""

    path: str
    model: str
    entries: dict[str, dict] = field(default_factory=dict)

    def load(self) -> None:
        """Read an existing journal; a half-written last line (a kill mid-write) is cut off."""
        if not os.path.isfile(self.path):
            return
        with open(self.path, "rb") as f:
            raw = f.read()
        complete = raw[:raw.rfind(b"\n") + 1]
        if len(complete) != len(raw):
            get_logger().warning(f"{self.path}: dropping a half-written last line (an interrupted run)")
            with open(self.path, "r+b") as f:
                f.truncate(len(complete))
        lines = complete.decode("utf-8").splitlines()
        if not lines:
            return
        try:
            header = json.loads(lines[0])
            records = [json.loads(line) for line in lines[1:]]
        except json.JSONDecodeError as e:
            raise DataError(f"{self.path}: corrupt journal ({e}); remove it to start over") from None
        if header.get("model") != self.model:
            raise ConfigError(f"{self.path} holds predictions of another model ({header.get('model')}); "
                              f"this run uses {self.model}. Write to another --output, or remove the "
                              f"journal to start over")
        self.entries = {r["path"]: r for r in records}

    def append(self, records: list[dict]) -> None:
        new = not os.path.isfile(self.path) or os.path.getsize(self.path) == 0
        with open(self.path, "a", encoding="utf-8") as f:
            if new:
                f.write(json.dumps({"version": JOURNAL_VERSION, "model": self.model}) + "\n")
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        for r in records:
            self.entries[r["path"]] = r


def histogram(scores: Sequence[float], bins: int = HIST_BINS) -> dict[str, int]:
    """Counts per score bin ``[k/bins, (k+1)/bins)`` (1.0 in the last bin)."""
    hist = {f"{k / bins:.1f}-{(k + 1) / bins:.1f}": 0 for k in range(bins)}
    keys = list(hist)
    for s in scores:
        hist[keys[min(int(float(s) * bins), bins - 1)]] += 1
    return hist


class PseudoLabeler:
    """``recognize(images) -> [(text, score) | None]`` over ``paths`` -> label file + summary.

    ``label_path(path)`` is the path written in the label file (absolute by default, so the file
    mixes with any data_dir; relative to a folder with ``relative_to``)."""

    def __init__(self, output: str, model: str, filters: Filters, relative_to: str | None = None,
                 batch_size: int = 32):
        self.output = output
        self.summary_path = os.path.splitext(output)[0] + ".summary.json"
        self.journal = Journal(output + ".journal.jsonl", model)
        self.filters = filters
        self.relative_to = relative_to
        self.batch_size = max(1, int(batch_size))

    def label_path(self, path: str) -> str:
        path = os.path.abspath(path)
        return os.path.relpath(path, self.relative_to) if self.relative_to else path

    def label_line(self, entry: dict) -> str:
        return f"{self.label_path(entry['path'])}\t{entry['text']}\n"

    def run(self, paths: Sequence[str], recognize: Callable[[list], list],
            read: Callable[[str], object | None]) -> dict:
        """``read(path)`` gives the decoded image or None (unreadable)."""
        paths = list(dict.fromkeys(paths))  # a path listed twice is read and labelled once
        os.makedirs(os.path.dirname(os.path.abspath(self.output)), exist_ok=True)
        self.journal.load()
        done_before = sum(1 for p in paths if p in self.journal.entries)
        # the label file always equals the journal's kept lines: rewrite it, then append
        self._write_labels(paths)
        todo = [p for p in paths if p not in self.journal.entries]
        log = get_logger()
        log.info(f"UIM: {len(paths)} images, {done_before} already in {self.journal.path}, {len(todo)} to read")
        with open(self.output, "a", encoding="utf-8") as out:
            for start in range(0, len(todo), self.batch_size):
                chunk = todo[start:start + self.batch_size]
                images = [read(p) for p in chunk]
                readable = [i for i, img in enumerate(images) if img is not None]
                results = recognize([images[i] for i in readable]) if readable else []
                records = [{"path": p, "text": None} for p in chunk]
                for i, res in zip(readable, results):
                    if res is not None:
                        records[i] = {"path": chunk[i], "text": str(res[0]), "score": round(float(res[1]), 6)}
                self.journal.append(records)
                out.writelines(self.label_line(r) for r in records if self.filters.reason(r) is None)
                out.flush()
                log.info(f"UIM: {min(start + self.batch_size, len(todo))}/{len(todo)} read")
        summary = self.summarize(paths, done_before)
        atomic_write_json(self.summary_path, summary)
        log.info(f"UIM: kept {summary['kept']} of {summary['images']} -> {self.output}; dropped "
                 f"{summary['dropped']}; summary {self.summary_path}")
        return summary

    def _write_labels(self, paths: Sequence[str]) -> None:
        kept = [self.journal.entries[p] for p in paths if p in self.journal.entries]
        atomic_write_text(self.output, "".join(self.label_line(e) for e in kept if self.filters.reason(e) is None))

    def summarize(self, paths: Sequence[str], done_before: int = 0) -> dict:
        entries = [self.journal.entries[p] for p in paths]
        dropped = dict.fromkeys(REASONS, 0)
        kept_scores = []
        for e in entries:
            why = self.filters.reason(e)
            if why is None:
                kept_scores.append(e["score"])
            else:
                dropped[why] += 1
        read = [e["score"] for e in entries if e.get("text") is not None]
        return {"label_file": os.path.abspath(self.output), "model": self.journal.model,
                "images": len(entries), "kept": len(kept_scores), "dropped": dropped,
                "resumed": done_before, "filters": self.filters.describe(),
                "mean_score_kept": sum(kept_scores) / len(kept_scores) if kept_scores else None,
                "score_histogram": histogram(read), "score_histogram_kept": histogram(kept_scores)}

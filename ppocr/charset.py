"""The recognition character set, built once and shared by label encoders, heads, losses and decoders.

A PaddleOCR dictionary file holds one character per line (UTF-8). ``use_space_char`` appends " ".
Class layouts (``n`` = number of dictionary characters, space included):

- CTC: ``0`` = blank, then the dictionary: character ``i`` is class ``i + 1``; ``num_classes_ctc = n + 1``.
- SAR (PaddleOCR's SARLabelEncode): the dictionary at ``0..n-1``, then ``<UKN>`` = ``n``,
  ``<BOS/EOS>`` = ``n + 1`` (start and end share it), ``<PAD>`` = ``n + 2``; ``num_classes_sar = n + 3``.

A character listed twice keeps its *last* index (PaddleOCR builds ``{char: i}`` in order); en_dict.txt
ends with " " and use_space_char appends another, so " " is class 96 (CTC) / 95 (SAR) there.
Without a dictionary (``character_dict_path`` unset) the set is PaddleOCR's default
"0123456789abcdefghijklmnopqrstuvwxyz", labels are lower-cased, and use_space_char is ignored.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ppocr.errors import ConfigError, DataError
from ppocr.utils.logging import get_logger
from ppocr.utils.paths import shipped_file, where_looked

DEFAULT_CHARACTERS = "0123456789abcdefghijklmnopqrstuvwxyz"
DICT_KEY = "Global.character_dict_path"


def read_dictionary(path: str) -> list[str]:
    """The characters of a PaddleOCR dictionary file, one per line, in order.

    Line ends (\\n, \\r\\n) are stripped as PaddleOCR does; a UTF-8 byte-order mark is dropped.
    Raises ConfigError naming the file and ``Global.character_dict_path``.
    """
    if not os.path.isfile(path) and shipped_file(path):
        shipped = shipped_file(path)
        get_logger().info(f"{DICT_KEY}: {path} is not under the working directory; using {shipped}")
        path = shipped
    if not os.path.isfile(path):
        hint = ""
        if path.replace("\\", "/").startswith(("ppocr/utils/", "./ppocr/utils/")):
            hint = (" (PaddleOCR configs point into PaddleOCR's source tree; copy the dictionary, "
                    "e.g. ppocr_keys_v1.txt or en_dict.txt, and set the path to it)")
        raise ConfigError(f"{DICT_KEY}: dictionary file not found: {path}{where_looked(path)}{hint}")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ConfigError(f"{DICT_KEY}: cannot read dictionary {path}: {e.strerror}") from None
    if not raw.strip(b"\r\n"):
        raise ConfigError(f"{DICT_KEY}: dictionary {path} is empty; it needs one character per line")
    chars = []
    for no, line in enumerate(raw.split(b"\n"), 1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError(f"{DICT_KEY}: {path}:{no} is not valid UTF-8; a dictionary is a UTF-8 "
                              f"text file with one character per line") from None
        chars.append(text.strip("\r\n"))
    if chars and chars[-1] == "" and raw.endswith(b"\n"):
        chars.pop()  # the final newline ends the last line; it is not an empty entry
    if chars[0].startswith("\ufeff"):
        chars[0] = chars[0][1:]
    return chars


@dataclass
class UnknownChars:
    """Characters outside the dictionary seen in one label file: dropped, counted, a few examples."""

    counts: Counter = field(default_factory=Counter)  # character -> occurrences
    labels: int = 0  # labels that contained at least one
    emptied: int = 0  # labels that were left empty (their samples are skipped)
    examples: list[str] = field(default_factory=list)

    def add(self, text: str, unknown: Sequence[str], emptied: bool, max_examples: int = 3) -> None:
        if not unknown:
            return
        self.counts.update(unknown)
        self.labels += 1
        self.emptied += int(emptied)
        if len(self.examples) < max_examples:
            self.examples.append(text)

    def __bool__(self) -> bool:
        return self.labels > 0

    def summary(self, label_file: str, top: int = 10) -> str:
        chars = ", ".join(f"{c!r} x{n}" for c, n in self.counts.most_common(top))
        more = f" and {len(self.counts) - top} more" if len(self.counts) > top else ""
        examples = "; e.g. " + ", ".join(repr(t) for t in self.examples) if self.examples else ""
        empty = f"; {self.emptied} labels left empty are skipped" if self.emptied else ""
        return (f"{label_file}: {self.labels} labels contain {sum(self.counts.values())} characters "
                f"outside the dictionary, dropped: {chars}{more}{examples}{empty}")


class Charset:
    """Dictionary characters (space included) and the CTC / SAR class layouts derived from them."""

    def __init__(self, characters: Iterable[str], lower: bool = False, source: str = "<list>"):
        chars = tuple(characters)
        if not chars:
            raise ConfigError(f"{DICT_KEY}: the dictionary ({source}) has no characters")
        bad = [c for c in chars if not isinstance(c, str)]
        if bad:
            raise ConfigError(f"{DICT_KEY}: dictionary entries must be strings, got {bad[0]!r}")
        self.characters = chars
        self.lower = lower
        self.source = source
        self.index = {c: i for i, c in enumerate(chars)}  # later duplicates win, as in PaddleOCR
        n = len(chars)
        self.blank = 0
        self.num_classes_ctc = n + 1
        self.sar_unknown_idx = n
        self.sar_start_idx = self.sar_end_idx = n + 1
        self.sar_padding_idx = n + 2
        self.num_classes_sar = n + 3
        self._ctc_table = ("",) + chars

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: str, use_space_char: bool = False) -> Charset:
        chars = read_dictionary(path)
        if use_space_char:
            chars.append(" ")
        return cls(chars, source=path)

    @classmethod
    def default(cls) -> Charset:
        """PaddleOCR's set without a dictionary: digits and lower-case letters; labels lower-cased."""
        return cls(DEFAULT_CHARACTERS, lower=True, source="<default 0-9a-z>")

    @classmethod
    def from_characters(cls, characters: Sequence[str], use_space_char: bool = False,
                        lower: bool = False) -> Charset:
        """From a list (an export's ``character_dict``, a released model's metadata), taken as is."""
        if isinstance(characters, str):
            raise ConfigError("Charset.from_characters: expected a list of characters, got a string")
        chars = list(characters) + ([" "] if use_space_char else [])
        return cls(chars, lower=lower, source=f"<{len(chars)} characters>")

    @classmethod
    def from_config(cls, global_cfg: dict | None, where: str = "config") -> Charset:
        """From ``Global.character_dict_path`` and ``Global.use_space_char``."""
        from ppocr.utils.logging import get_logger

        g = global_cfg or {}
        path, space = g.get("character_dict_path"), g.get("use_space_char", False)
        if not isinstance(space, bool):
            raise ConfigError(f"{where}: Global.use_space_char must be true or false, got {space!r}")
        if path is None or path == "":
            ignored = "; use_space_char is ignored" if space else ""
            get_logger().warning(f"{where}: {DICT_KEY} is not set: the model recognises only digits "
                                 f"and lower-case letters (PaddleOCR's default){ignored}")
            return cls.default()
        if not isinstance(path, str):
            raise ConfigError(f"{where}: {DICT_KEY} must be a file path, got {path!r}")
        try:
            charset = cls.from_file(path, space)
        except ConfigError as e:
            raise ConfigError(f"{where}: {e}") from None
        charset._warn_odd_entries(where)
        return charset

    def _warn_odd_entries(self, where: str) -> None:
        from ppocr.utils.logging import get_logger

        counts = Counter(self.characters)
        dups = [c for c, n in counts.items() if n > 1 and c != " "]  # en_dict + use_space_char: 2 spaces
        odd = [c for c in counts if len(c) != 1]
        log = get_logger()
        if dups:
            log.warning(f"{where}: {self.source} lists {dups[:10]!r} more than once; each keeps its last "
                        f"index (as in PaddleOCR)")
        if odd:
            log.warning(f"{where}: {self.source} has entries that are not single characters "
                        f"{odd[:5]!r} (empty lines?); they keep their class index but never match a "
                        f"label character")

    # -- encoding / decoding ------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.characters)

    def __repr__(self) -> str:
        return f"Charset({len(self)} characters from {self.source}, lower={self.lower})"

    def encode(self, text: str) -> tuple[list[int], list[str]]:
        """(dictionary indices 0..n-1, characters outside the dictionary, which are dropped).
        CTC classes are these + 1; SAR classes are these as they are."""
        if self.lower:
            text = text.lower()
        indices, unknown = [], []
        index = self.index
        for ch in text:
            i = index.get(ch)
            if i is None:
                unknown.append(ch)
            else:
                indices.append(i)
        return indices, unknown

    def decode_ctc(self, classes: Iterable[int]) -> str:
        """CTC class ids -> text, skipping blanks (no merging of repeats; labels have none to merge)."""
        table = self._ctc_table
        return "".join(table[int(c)] for c in classes if 0 < int(c) < len(table))

    def scan(self, texts: Iterable[str]) -> UnknownChars:
        """Tally characters outside the dictionary in ``texts`` (say, one label file's labels)."""
        report = UnknownChars()
        for text in texts:
            indices, unknown = self.encode(text)
            report.add(text, unknown, emptied=not indices)
        return report


# -- building a dictionary from label files ---------------------------------------------------
def count_label_characters(label_files: Iterable[str], delimiter: str = "\t") -> Counter:
    """Character counts over the labels of PaddleOCR rec label files (``image<delimiter>text``)."""
    counts: Counter = Counter()
    for path in label_files:
        if not os.path.isfile(path):
            raise DataError(f"label file not found: {path}")
        with open(path, "rb") as f:
            for no, raw in enumerate(f, 1):
                try:
                    line = raw.decode("utf-8").rstrip("\r\n")
                except UnicodeDecodeError:
                    raise DataError(f"{path}:{no}: not valid UTF-8") from None
                if line.strip() and delimiter in line:
                    counts.update(line.split(delimiter, 1)[1])
    return counts


def build_dictionary(label_files: Iterable[str], out_path: str | None = None, sort: str = "frequency",
                     min_count: int = 1, delimiter: str = "\t") -> list[str]:
    """The characters of PaddleOCR rec label files, as a dictionary (written to ``out_path`` if given).

    ``sort="frequency"``: most frequent first, ties by code point; ``sort="codepoint"``: by code
    point. Characters seen fewer than ``min_count`` times are left out. Space, tab and line breaks
    are never entries: set ``Global.use_space_char: true`` when labels contain spaces.
    """
    if sort not in ("frequency", "codepoint"):
        raise ConfigError(f"build_dictionary: sort must be 'frequency' or 'codepoint', got {sort!r}")
    counts = count_label_characters(label_files, delimiter)
    chars = [c for c, n in counts.items() if n >= min_count and c not in " \t\r\n\ufeff"]
    if sort == "frequency":
        chars.sort(key=lambda c: (-counts[c], ord(c)))
    else:
        chars.sort(key=ord)
    if out_path:
        from ppocr.utils.io import atomic_write_text

        atomic_write_text(out_path, "".join(c + "\n" for c in chars))
    return chars

"""Recognition labels: text -> class indices for CTC and for the SAR (attention) branch.

PaddleOCR's rules, kept exactly, except that a dropped sample is a :class:`BadSample` with its reason
(PaddleOCR drops it silently): a label longer than ``max_text_length`` (counted before anything is
dropped, reason ``too long``), empty (``empty``) or left empty after dropping characters outside the
dictionary (``out of dictionary``); SAR labels also need room for the start and end tokens, so they
drop texts of ``max_text_length - 1`` characters or more. The dataset logs each with its file and
line and counts it toward ``Global.max_bad_sample_ratio``. The class layouts are :class:`ppocr.charset.Charset`'s.

Characters outside the dictionary are dropped, as PaddleOCR users expect, and counted per label file
(``data['label_file']``): each encoder logs the first one it meets in a file and keeps an
:class:`~ppocr.charset.UnknownChars` tally per file (``unknown``, ``unknown_summary()``).
The charset is passed by the builder; ``max_text_length`` defaults to ``Global.max_text_length``.
"""

from __future__ import annotations

import numpy as np

from ppocr.charset import Charset, UnknownChars
from ppocr.data.transforms.base import BadSample
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS

# Global keys PaddleOCR injects into every label encoder; here the charset already carries them.
_GLOBAL_KEYS = ("character_dict_path", "use_space_char")


class RecLabelEncoder:
    """What the recognition label encoders share: checks, encoding, the unknown-character tally."""
    training_only = True  # training targets or augmentation: not run at inference

    def __init__(self, charset: Charset, max_text_length: int = 25):
        who = type(self).__name__
        if not isinstance(charset, Charset):
            raise ConfigError(f"{who} needs the recognition charset (Global.character_dict_path), "
                              f"got {charset!r}")
        if isinstance(max_text_length, bool) or not isinstance(max_text_length, int) or max_text_length < 1:
            raise ConfigError(f"{who}.max_text_length: expected a positive integer, got {max_text_length!r}")
        self.charset = charset
        self.max_text_length = max_text_length
        self.unknown: dict[str, UnknownChars] = {}

    def encode(self, data: dict) -> list[int]:
        """Dictionary indices of ``data['label']``; a BadSample when the sample cannot be used."""
        text = data.get("label")
        if not isinstance(text, str):
            raise BadSample(f"recognition label must be text, got {type(text).__name__}")
        if not text:
            raise BadSample("empty label", "empty")
        if len(text) > self.max_text_length:
            raise BadSample(f"label too long: {len(text)} characters, more than max_text_length "
                            f"{self.max_text_length}", "too long")
        indices, unknown = self.charset.encode(text)
        if unknown:
            self._count_unknown(data, text, unknown, emptied=not indices)
        if not indices:
            raise BadSample(f"label {text!r} has no character in the dictionary ({self.charset.source})",
                            "out of dictionary")
        data["text"] = "".join(self.charset.characters[i] for i in indices)
        return indices

    def _count_unknown(self, data: dict, text: str, unknown: list[str], emptied: bool) -> None:
        label_file = str(data.get("label_file") or "<labels>")
        tally = self.unknown.get(label_file)
        if tally is None:
            from ppocr.utils.logging import get_logger

            tally = self.unknown[label_file] = UnknownChars()
            line = f":{data['line_no']}" if data.get("line_no") is not None else ""
            get_logger().warning(
                f"{label_file}{line}: label {text!r} has characters outside the dictionary "
                f"({self.charset.source}): {''.join(dict.fromkeys(unknown))!r}; they are dropped"
                f"{' and the sample skipped (nothing left)' if emptied else ''}. Further ones in "
                f"this file are counted, not logged")
        tally.add(text, unknown, emptied)

    def unknown_summary(self) -> list[str]:
        """One line per label file that had characters outside the dictionary (this process)."""
        return [tally.summary(f) for f, tally in self.unknown.items() if tally]

    # -- label layouts ------------------------------------------------------------------------
    def ctc_label(self, indices: list[int]) -> np.ndarray:
        label = np.zeros(self.max_text_length, dtype=np.int64)  # 0 = blank pads
        label[:len(indices)] = np.asarray(indices, dtype=np.int64) + 1
        return label

    def sar_label(self, indices: list[int]) -> np.ndarray:
        """[start, chars..., end, pad...]; a BadSample when start and end do not fit."""
        n = len(indices)
        if n >= self.max_text_length - 1:
            raise BadSample(f"label too long for the attention branch: {n} characters leave no room "
                            f"for its start and end tokens within max_text_length {self.max_text_length}",
                            "too long")
        cs = self.charset
        label = np.full(self.max_text_length, cs.sar_padding_idx, dtype=np.int64)
        label[0] = cs.sar_start_idx
        label[1:n + 1] = indices
        label[n + 1] = cs.sar_end_idx
        return label


@TRANSFORMS.register(ignored_keys=_GLOBAL_KEYS)
class CTCLabelEncode(RecLabelEncoder):
    """``label`` (text) -> ``label`` (CTC classes, 0-padded to max_text_length), ``length``, ``text``."""

    def __call__(self, data: dict) -> dict:
        indices = self.encode(data)
        data["label"] = self.ctc_label(indices)
        data["length"] = np.array(len(indices), dtype=np.int64)
        return data


@TRANSFORMS.register(ignored_keys=_GLOBAL_KEYS)
class SARLabelEncode(RecLabelEncoder):
    """``label`` (text) -> ``label`` ([start, classes, end, padding...]), ``length``, ``text``."""

    def __call__(self, data: dict) -> dict:
        indices = self.encode(data)
        data["label"] = self.sar_label(indices)
        data["length"] = np.array(len(indices), dtype=np.int64)
        return data


@TRANSFORMS.register(ignored_keys=_GLOBAL_KEYS)
class MultiLabelEncode(RecLabelEncoder):
    """PP-OCRv3's CTC + SAR labels: adds ``label_ctc``, ``label_sar``, ``length`` and ``text``;
    ``label`` keeps the raw text. Refuses what either CTCLabelEncode or SARLabelEncode refuses."""

    def __call__(self, data: dict) -> dict:
        indices = self.encode(data)
        label_sar = self.sar_label(indices)
        data["label_ctc"] = self.ctc_label(indices)
        data["label_sar"] = label_sar
        data["length"] = np.array(len(indices), dtype=np.int64)
        return data

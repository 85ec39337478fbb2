"""CTCLabelDecode: greedy CTC decoding -> (text, score) per image.

Per time step the best class; repeats merged, blanks dropped; the score is the mean of the kept
steps' best probabilities (0 when nothing is kept), as PaddleOCR. Reads ``outputs['probs']`` (the
softmax the model gives in eval and in exported models) or else softmaxes ``outputs['ctc']``
(logits). A bare array or tensor is taken as probabilities when it looks like them (values in
[0, 1] summing to 1 over classes), otherwise as logits.
"""

from __future__ import annotations

import numpy as np

from ppocr.charset import Charset
from ppocr.errors import ConfigError
from ppocr.registry import POSTPROCESS
from ppocr.utils.tensor import to_numpy


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def looks_like_probs(x: np.ndarray) -> bool:
    return bool(x.size) and x.min() >= 0 and x.max() <= 1 and np.allclose(x.sum(-1), 1, atol=1e-3)


def ctc_greedy(probs: np.ndarray, charset: Charset) -> list[tuple[str, float]]:
    """(N, T, C) probabilities -> [(text, mean kept probability)]."""
    best = probs.argmax(axis=2)
    best_p = probs.max(axis=2)
    table = ("",) + charset.characters
    results = []
    for ids, ps in zip(best, best_p):
        keep = ids != 0
        keep[1:] &= ids[1:] != ids[:-1]
        text = "".join(table[i] for i in ids[keep])
        results.append((text, float(ps[keep].mean()) if keep.any() else 0.0))
    return results


@POSTPROCESS.register(ignored_keys=("character_dict_path", "use_space_char"))
class CTCLabelDecode:
    def __init__(self, charset: Charset):
        if not isinstance(charset, Charset):
            raise ConfigError(f"CTCLabelDecode needs the recognition charset (Global.character_dict_path), "
                              f"got {charset!r}")
        self.charset = charset

    def __call__(self, outputs, batch: dict | None = None) -> list[tuple[str, float]]:
        if isinstance(outputs, dict):
            if outputs.get("probs") is not None:
                probs = np.asarray(to_numpy(outputs["probs"]), dtype=np.float32)
            elif outputs.get("ctc") is not None:
                probs = softmax(np.asarray(to_numpy(outputs["ctc"]), dtype=np.float32))
            else:
                raise ConfigError(f"CTCLabelDecode: the model gives neither 'probs' nor 'ctc' "
                                  f"(it gives {sorted(outputs)})")
        else:
            probs = np.asarray(to_numpy(outputs), dtype=np.float32)
            if not looks_like_probs(probs):
                probs = softmax(probs)
        if probs.ndim != 3:
            raise ConfigError(f"CTCLabelDecode: expected (N, T, C) scores, got shape {probs.shape}")
        if probs.shape[2] != self.charset.num_classes_ctc:
            raise ConfigError(f"CTCLabelDecode: the model scores {probs.shape[2]} classes but the "
                              f"dictionary has {self.charset.num_classes_ctc} (blank + {len(self.charset)} "
                              f"characters); check Global.character_dict_path / use_space_char")
        return ctc_greedy(probs, self.charset)

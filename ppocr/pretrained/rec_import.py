"""Import PaddleOCR's released PP-OCRv3 recognizer (``ch_PP-OCRv3_rec_infer.onnx``) into our
SVTR_LCNet model (``ch_PP-OCRv3_rec.yml``'s architecture: MobileNetV1Enhance + MultiHead(CTC, SAR)).

How parameters are matched, exactly and without guessing from shapes: the ONNX keeps each weight
under the auto-name Paddle gave it when the model was built (``conv2d_57.w_0``, ``batch_norm_32.w_1``
= BN mean, ``batch_norm2d_9.w_2`` = BN variance, ``linear_21.w_0``, ...). Those names count layers
per class in construction order, and our model builds the same layer classes in PaddleOCR's order,
so building it inside a fresh ``paddle.utils.unique_name.guard()`` reproduces the names.

The release was exported from the Student of ``ch_PP-OCRv3_rec_distillation.yml``: PaddleOCR's
export script builds the whole DistillationModel, Teacher first, then Student, each with its SAR
head (built after its CTC branch, as listed in ``head_list``). The Student's names therefore
continue the Teacher's counters: its stem is ``conv2d_37`` / ``batch_norm_27`` because the Teacher
used 31 + 5 + 1 convolutions (backbone, SVTR encoder, SAR attention) and 27 legacy BatchNorms. So we
build one throw-away copy of the architecture before the one whose names we read
(``models_built_before=1``). Every shape is checked, every weight of the file must be used, and every
key of the CTC path must be found; anything else is a :class:`CheckpointError`.

The SAR branch (GTC guide, training only) is not in the release: its keys are reported in
``not_loaded`` and keep their fresh initialisation.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from ppocr.errors import CheckpointError
from ppocr.pretrained.onnx_match import build_architecture, load_state, match_weights
from ppocr.pretrained.onnx_reader import read_onnx_metadata, read_onnx_weights

# Architecture of PaddleOCR's configs/rec/PP-OCRv3/ch_PP-OCRv3_rec.yml (and of each sub-model of
# ch_PP-OCRv3_rec_distillation.yml).
PPOCRV3_REC_ARCHITECTURE = {
    "model_type": "rec",
    "Backbone": {"name": "MobileNetV1Enhance", "scale": 0.5, "last_conv_stride": [1, 2],
                 "last_pool_type": "avg", "last_pool_kernel_size": [2, 2]},
    "Head": {"name": "MultiHead", "head_list": [
        {"CTCHead": {"Neck": {"name": "svtr", "dims": 64, "depth": 2, "hidden_dims": 120,
                              "use_guide": True},
                     "Head": {"fc_decay": 0.00001}}},
        {"SARHead": {"enc_dim": 512, "max_text_length": 25}},
    ]},
}

# keys of the training-only branch, absent from an exported model
NOT_EXPORTED_PREFIX = "head.sar_head."

_PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*_\d+\.[wb]_\d+$")


class RecImport(NamedTuple):
    state_dict: dict[str, np.ndarray]  # our (= PaddleOCR's) keys -> arrays, the whole CTC path
    characters: list[str]  # the dictionary file's lines (ppocr_keys_v1.txt order)
    use_space_char: bool  # PaddleOCR appends " " to ``characters``; the CTC blank goes first
    not_loaded: list[str]  # keys of the architecture the release does not carry (the SAR head)


class _Classes:
    """Charset stand-in: the head sizes implied by a dictionary."""

    def __init__(self, num_chars: int):
        self.num_classes_ctc = num_chars + 1  # + CTC blank
        self.num_classes_sar = num_chars + 3  # + unknown, start/end, padding


def read_characters(path: str) -> list[str]:
    meta = read_onnx_metadata(path)
    if "character" not in meta:
        raise CheckpointError(f"{path}: no 'character' metadata (the dictionary); is this a "
                              f"PaddleOCR recognizer? metadata keys: {sorted(meta)}")
    chars = meta["character"].split("\n")
    if chars and chars[-1] == "":
        chars.pop()
    return chars


WHAT = "PP-OCRv3's recognizer (SVTR_LCNet + MultiHead)"


def import_rec_onnx(path: str, architecture: dict | None = None, models_built_before: int = 1,
                    use_space_char: bool = True) -> RecImport:
    """Read the released recognizer into a state dict of ``architecture`` (PP-OCRv3's by default)."""
    weights = {k: v for k, v in read_onnx_weights(path).items() if _PARAM_NAME.match(k)}
    characters = read_characters(path)
    classes = _Classes(len(characters) + int(use_space_char))
    model = build_architecture(architecture or PPOCRV3_REC_ARCHITECTURE, models_built_before, classes)
    what = f"{WHAT} with {len(characters)} characters{' + space' if use_space_char else ''}"
    state = match_weights(model, weights, lambda key, tensor: tensor.name, path, what, (NOT_EXPORTED_PREFIX,))
    not_loaded = [k for k in model.state_dict() if k.startswith(NOT_EXPORTED_PREFIX)]
    return RecImport(state, characters, use_space_char, not_loaded)


def load_rec_onnx(model, path: str, **import_args) -> RecImport:
    """Import ``path`` and load it into ``model`` (a BaseModel of PP-OCRv3's recognizer, sized for
    the release's dictionary). Every imported tensor must fit; logs what stays initialised."""
    imported = import_rec_onnx(path, **import_args)
    load_state(model, imported.state_dict, path, WHAT, (NOT_EXPORTED_PREFIX,))
    return imported

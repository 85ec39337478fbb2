"""Deterministic synthetic OCR data in PaddleOCR's label formats (det, rec, cls).

``tools/synth_data.py`` is the command line; tests and the demo call the writers directly::

    from ppocr_synth import make_rec_set
    label_file = make_rec_set("train_data/rec/train", num=1000, seed=1, style="hard")

Modules: ``text`` (alphabets, text sampler), ``fonts`` (the font pool; lookup in ppocr.utils.fonts),
``styles`` (clean/hard presets), ``effects`` (backgrounds, colours, warps, degradations),
``render`` (text masks, line crops), ``det`` (pages), ``sets`` (writers), ``corrupt`` (bad files).
"""

from ppocr_synth.corrupt import CORRUPT_KINDS, write_corrupt_image
from ppocr_synth.sets import (
    Synth,
    cls_sample,
    det_sample,
    make_cls_set,
    make_det_set,
    make_rec_set,
    rec_sample,
)
from ppocr_synth.styles import STYLE_NAMES, STYLES

__all__ = ["CORRUPT_KINDS", "STYLES", "STYLE_NAMES", "Synth", "cls_sample", "det_sample", "make_cls_set",
           "make_det_set", "make_rec_set", "rec_sample", "write_corrupt_image"]

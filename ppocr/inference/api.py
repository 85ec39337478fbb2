"""The Python API, PaddleOCR 2.7's: ``PaddleOCR(use_angle_cls=True).ocr(img, det=True, rec=True, cls=True)``
(``PaddleOCR`` is ``PPOCR``).

``img`` is a path (an image or a PDF), encoded bytes, a BGR numpy array, or (with ``det=False``) a
list of those. The result has one entry per page (an image is one page, a PDF has one per page up to
``page_num``), each a list:

- det and rec: ``[[[x1, y1], [x2, y2], [x3, y3], [x4, y4]], (text, score)]`` per line, reading order,
  lines scoring below ``drop_score`` dropped;
- det only: ``[[x1, y1], ..., [x4, y4]]`` per box, in the detector's order (as PaddleOCR's);
- rec only: ``[(text, score)]`` (the whole image is one line; nothing dropped);
- cls only (``det=False, rec=False``): ``[(label, score)]``, with ``use_angle_cls=True``;
  without the classifier, ``[]`` as PaddleOCR gives.

The classifier runs where ``use_angle_cls`` (constructor) and ``cls`` (call) are both true.
Keywords are PaddleOCR's names: the :class:`~ppocr.inference.params.SystemParams` fields
(``det_limit_side_len``, ``det_db_box_thresh``, ``drop_score``, ...), ``{det,rec,cls}_model_dir``
(exports; with ``use_onnx``, .onnx files or exports holding inference.onnx), ``rec_char_dict_path``,
``use_space_char``, ``lang``, ``ocr_version``, ``use_gpu``, ``show_log``, ``page_num``,
``save_crop_res``, ``crop_res_save_dir``, ``enable_mkldnn``, ``cpu_threads``; ours besides:
``{det,rec,cls}_config`` + ``_weights`` (checkpoints), ``use_mkldnn`` and ``stages`` (which of det
and rec to load; default both). See docs/inference.md.
"""

from __future__ import annotations

import difflib
import os

from ppocr.errors import ConfigError, DataError

SOURCES = tuple(f"{k}_{s}" for k in ("det", "rec", "cls") for s in ("model_dir", "config", "weights"))
RUNTIME = ("use_mkldnn", "use_gpu", "cpu_threads", "use_onnx", "rec_char_dict_path", "use_space_char")
OPTIONS = {"lang": "ch", "ocr_version": "PP-OCRv3", "show_log": True, "page_num": 0, "save_crop_res": False,
           "crop_res_save_dir": "./output", "enable_mkldnn": None, "stages": ("det", "rec")}

# PaddleOCR 2.7's --lang values (paddleocr.py parse_lang): each name -> the model family it loads
_FAMILIES = {
    "latin": "af az bs cs cy da de es et fr ga hr hu id is it ku la lt lv mi ms mt nl no oc pi pl pt ro "
             "rs_latin sk sl sq sv sw tl tr uz vi french german latin",
    "arabic": "ar fa ug ur arabic",
    "cyrillic": "ru rs_cyrillic be bg uk mn abq ady kbd ava dar inh che lbe lez tab cyrillic",
    "devanagari": "hi mr ne bh mai ang bho mah sck new gom sa bgc devanagari",
}
LANGS = {name: family for family, names in _FAMILIES.items() for name in names.split()}
LANGS.update({k: k for k in ("ch", "en", "korean", "japan", "chinese_cht", "ta", "te", "ka")})


def check_lang(lang: str, given: dict, stages) -> None:
    """``lang=ch`` is what ppocr ships (the Chinese PP-OCRv3 det and rec, which read Latin letters and
    digits too, and the mobile v2.0 cls PaddleOCR uses for every language). Any other PaddleOCR
    language needs the stages it changes given explicitly."""
    if lang == "ch":
        return
    if lang not in LANGS:
        close = difflib.get_close_matches(str(lang), LANGS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"lang: unknown language {lang!r}{hint} (PaddleOCR's names: ch, en, korean, japan, ...)")
    family = LANGS[lang]
    det_name = {"en": "en", "latin": "en"}.get(family, "Multilingual")
    wanted = {"det": f"{det_name}_PP-OCRv3_det", "rec": f"{family}_PP-OCRv3_rec"}
    missing = [k for k in stages if not (given.get(f"{k}_model_dir") or given.get(f"{k}_config"))]
    if missing:
        needs = " and ".join(f"{k}_model_dir ({wanted[k]})" for k in missing)
        raise ConfigError(f"lang={lang}: PaddleOCR loads {' + '.join(wanted[k] for k in missing)} for it; ppocr "
                          f"ships only the Chinese PP-OCRv3 models (lang=ch, which also read English). Give "
                          f"{needs}{' and rec_char_dict_path' if 'rec' in missing else ''}, or use lang=ch")


class PPOCR:
    def __init__(self, use_angle_cls: bool = False, **kwargs):
        from ppocr.inference.params import SystemParams

        known = {*SystemParams.names(), *SOURCES, *RUNTIME, *OPTIONS}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            close = difflib.get_close_matches(unknown[0], known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"PPOCR: unknown argument {unknown[0]!r}{hint} (accepts: {', '.join(sorted(known))})")
        opts = {**OPTIONS, **{k: v for k, v in kwargs.items() if k in OPTIONS}}
        if opts["ocr_version"] != "PP-OCRv3":
            raise ConfigError(f"ocr_version: ppocr runs PP-OCRv3 models only, got {opts['ocr_version']!r}")
        stages = tuple(opts["stages"])
        check_lang(opts["lang"], kwargs, stages)
        _set_log_level(bool(opts["show_log"]))
        params = SystemParams(use_angle_cls=use_angle_cls,
                              **{k: v for k, v in kwargs.items() if k in SystemParams.names()})
        run = {k: v for k, v in kwargs.items() if k in SOURCES or k in RUNTIME}
        if opts["enable_mkldnn"] is not None and "use_mkldnn" not in run:
            run["use_mkldnn"] = bool(opts["enable_mkldnn"])  # PaddleOCR's name for it
        from ppocr.inference.system import TextSystem

        self.system = TextSystem.create(params, stages=stages, **run)
        self.use_angle_cls = bool(use_angle_cls)
        self.page_num = int(opts["page_num"])
        self.crop_dir = opts["crop_res_save_dir"] if opts["save_crop_res"] else None
        self.crop_index = 0  # crops are numbered across calls: mg_crop_<n>.jpg, as PaddleOCR's

    def pages(self, img, det: bool = True) -> list:
        """The BGR pages of ``img`` (see the module docstring)."""
        from ppocr.inference.images import read_image
        from ppocr.inference.pdf import is_pdf, render_pdf

        if isinstance(img, (list, tuple)):
            if det:
                raise DataError("ocr: a list of images is read with det=False (each one a text line), "
                                "as PaddleOCR requires")
            return [read_image(i) for i in img][:self.page_num or None]
        if is_pdf(img):
            if not os.path.isfile(img):
                raise DataError(f"{img}: cannot read the file")
            return render_pdf(str(img), self.page_num)
        return [read_image(img)]

    def ocr(self, img, det: bool = True, rec: bool = True, cls: bool = True) -> list:
        cls = bool(cls) and self.use_angle_cls
        results = []
        for page in self.pages(img, det):
            if det and rec:
                results.append([line.as_list() for line in self._read(page, cls)])
            elif det:
                results.append([box.tolist() for box in self.system.detect(page, ordered=False)])
            elif rec:
                crops = self.system.classify([page])[0] if cls else [page]
                results.append(self.system.recognize(crops))
            elif cls:
                results.append(self.system.classify([page])[1])
        return results

    def _read(self, page, cls: bool) -> list:
        from ppocr.inference.system import OCRLine
        from ppocr.utils.logging import get_logger

        boxes, crops, texts = self.system.run(page, cls)
        if self.crop_dir:
            self._save_crops(crops)
        t = self.system.timings
        get_logger().debug(f"boxes: {len(boxes)}, det {t['det']:.3f}s, cls {t['cls']:.3f}s, rec {t['rec']:.3f}s")
        return [OCRLine(box, text, score) for box, (text, score) in zip(boxes, texts)
                if score >= self.system.params.drop_score]

    def _save_crops(self, crops: list) -> None:
        import cv2

        os.makedirs(self.crop_dir, exist_ok=True)
        for crop in crops:
            path = os.path.join(self.crop_dir, f"mg_crop_{self.crop_index}.jpg")
            if not cv2.imwrite(path, crop):
                raise DataError(f"--crop_res_save_dir: cannot write {path}")
            self.crop_index += 1


PaddleOCR = PPOCR  # PaddleOCR's class name


def _set_log_level(show_log: bool) -> None:
    """``show_log``: the system's debug lines (boxes found, stage timings) too; false: warnings only."""
    import logging

    from ppocr.utils.logging import get_logger

    get_logger().setLevel(logging.DEBUG if show_log else logging.WARNING)


def draw_ocr(image, boxes, txts=None, scores=None, drop_score: float = 0.5, font_path: str | None = None):
    """PaddleOCR's ``draw_ocr``: the image (RGB in PaddleOCR's examples) with the boxes in red, and with
    ``txts`` scaled to 600 px next to a panel listing the texts and scores. ``font_path``: default a
    CJK font installed here (see ppocr.utils.fonts)."""
    from ppocr.inference.visualize import draw_ocr_panel

    return draw_ocr_panel(image, boxes, txts, scores, drop_score, font_path)

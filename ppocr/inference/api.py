"""The Python API: ``PPOCR(use_angle_cls=True).ocr(image)``.

``image`` is a path, encoded bytes or a BGR numpy array; the result is PaddleOCR's
``[[[[x1, y1], [x2, y2], [x3, y3], [x4, y4]], (text, score)], ...]`` in reading order.
Keyword arguments are :class:`~ppocr.inference.system.SystemParams` fields (PaddleOCR's names:
``det_limit_side_len``, ``det_db_box_thresh``, ``drop_score``, ...) and the model sources
``{det,rec,cls}_model_dir`` (exports), ``{det,rec,cls}_config`` + ``{det,rec,cls}_weights``
(checkpoints), plus ``use_mkldnn``, ``use_gpu``, ``cpu_threads``.
"""

from __future__ import annotations

from ppocr.errors import ConfigError

SOURCES = tuple(f"{k}_{s}" for k in ("det", "rec", "cls") for s in ("model_dir", "config", "weights"))
RUNTIME = ("use_mkldnn", "use_gpu", "cpu_threads")


class PPOCR:
    def __init__(self, use_angle_cls: bool = False, **kwargs):
        from ppocr.inference.params import SystemParams

        known = set(SystemParams.names()) | set(SOURCES) | set(RUNTIME)
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise ConfigError(f"PPOCR: unknown argument(s) {unknown}; accepts: {', '.join(sorted(known))}")
        params = SystemParams(use_angle_cls=use_angle_cls,
                              **{k: v for k, v in kwargs.items() if k in SystemParams.names()})
        from ppocr.inference.system import TextSystem

        self.system = TextSystem.create(params, **{k: v for k, v in kwargs.items() if k not in params.names()})

    def ocr(self, image) -> list:
        from ppocr.inference.images import read_image

        return [line.as_list() for line in self.system(read_image(image))]

"""ppocr: a config-driven training framework for PP-OCRv3 on PaddlePaddle."""

import sys
from importlib.abc import MetaPathFinder

__version__ = "0.1.0"

PADDLE_MISSING = ("No module named 'paddle': ppocr needs PaddlePaddle, which its package metadata leaves "
                  "to you: install paddlepaddle (CPU) or paddlepaddle-gpu (see docs/install.md)")


class _PaddleMissing(MetaPathFinder):
    """Last on ``sys.meta_path``: reached only when no other finder has paddle, so an import of a
    module that needs it fails with the install advice instead of a bare ModuleNotFoundError."""

    def find_spec(self, name, path=None, target=None):
        if name == "paddle":
            raise ModuleNotFoundError(PADDLE_MISSING, name="paddle")
        return None


if not any(isinstance(f, _PaddleMissing) for f in sys.meta_path):
    sys.meta_path.append(_PaddleMissing())

_API = ("PPOCR", "PaddleOCR", "draw_ocr")  # PaddleOCR 2.7's names (ppocr.inference.api)


def __getattr__(name: str):
    # the OCR system pulls in paddle: import it only when asked for, so `import ppocr` stays cheap
    if name in _API:
        from ppocr.inference import api

        return getattr(api, name)
    raise AttributeError(f"module 'ppocr' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_API])

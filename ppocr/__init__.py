"""ppocr: a config-driven training framework for PP-OCRv3 on PaddlePaddle."""

__version__ = "0.1.0"


def __getattr__(name: str):
    # the OCR system pulls in paddle: import it only when asked for, so `import ppocr` stays cheap
    if name == "PPOCR":
        from ppocr.inference.api import PPOCR

        return PPOCR
    raise AttributeError(f"module 'ppocr' has no attribute {name!r}")

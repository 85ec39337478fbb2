"""ppocr: a config-driven training framework for PP-OCRv3 on PaddlePaddle."""

import os
import warnings

__version__ = "0.1.0"

# Paddle prints C++ INFO logs and a ccache warning on import; keep the console for our own lines.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("FLAGS_call_stack_level", "0")
warnings.filterwarnings("ignore", message="No ccache found")
# legacy nn.BatchNorm (PaddleOCR's layer class, kept for checkpoint names) says this every step
warnings.filterwarnings("ignore", message="When training, we now always track global mean and variance")


def __getattr__(name: str):
    # the OCR system pulls in paddle: import it only when asked for, so `import ppocr` stays cheap
    if name == "PPOCR":
        from ppocr.inference.api import PPOCR

        return PPOCR
    raise AttributeError(f"module 'ppocr' has no attribute {name!r}")

from ppocr.postprocess import (
    cls_postprocess,  # noqa: F401
    rec_postprocess,  # noqa: F401
)

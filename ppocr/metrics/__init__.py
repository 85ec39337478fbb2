from ppocr.metrics import (
    cls_metric,  # noqa: F401
    rec_metric,  # noqa: F401
)

from ppocr.metrics import (  # noqa: F401
    cls_metric,
    det_metric,
    distillation_metric,
    rec_metric,
)

from ppocr.postprocess import (  # noqa: F401
    cls_postprocess,
    db_postprocess,
    distillation_postprocess,
    rec_postprocess,
)

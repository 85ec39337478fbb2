from ppocr.metrics import cls_metric  # noqa: F401

from ppocr.losses import cls_loss  # noqa: F401

from ppocr.postprocess import cls_postprocess  # noqa: F401

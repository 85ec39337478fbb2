from ppocr.modeling.backbones import rec_mv1_enhance  # noqa: F401

from ppocr.modeling.necks import sequence_encoder  # noqa: F401

from ppocr.modeling.architectures import base_model  # noqa: F401

from ppocr.modeling.architectures import base_model, distillation_model  # noqa: F401

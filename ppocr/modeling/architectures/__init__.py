"""Architectures; importing this package registers them and the backbones, necks and heads they
are built from (an architecture cannot be built without its parts' registrations)."""

from ppocr.modeling import backbones, heads, necks  # noqa: F401
from ppocr.modeling.architectures import base_model, distillation_model  # noqa: F401

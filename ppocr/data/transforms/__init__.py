"""Data transforms; importing this package registers them all."""

from ppocr.data.transforms import augment, cls, decode, layout, normalize  # noqa: F401
from ppocr.data.transforms.base import BadSample, Compose, build_transforms  # noqa: F401

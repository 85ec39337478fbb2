"""Data transforms; importing this package registers them all."""

from ppocr.data.transforms import (  # noqa: F401
    augment,
    cls,
    decode,
    layout,
    normalize,
    rec_aug,
    rec_con_aug,
    rec_label_encode,
    rec_resize,
)
from ppocr.data.transforms.base import BadSample, Compose, build_transforms  # noqa: F401

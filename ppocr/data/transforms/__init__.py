"""Data transforms; importing this package registers them all."""

from ppocr.data.transforms import (  # noqa: F401
    augment,
    cls,
    copy_paste,
    decode,
    det_label_encode,
    det_resize,
    east_random_crop,
    iaa_augment,
    layout,
    make_border_map,
    make_shrink_map,
    normalize,
    rec_aug,
    rec_con_aug,
    rec_label_encode,
    rec_resize,
    ssl_rotate,
)
from ppocr.data.transforms.base import BadSample, Compose, build_transforms  # noqa: F401

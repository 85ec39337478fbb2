"""Losses; importing this package registers them all."""

from ppocr.losses import (  # noqa: F401
    basic_loss,
    cls_loss,
    combined,
    det_db_loss,
    distillation,
    rec_ctc_loss,
    rec_multi_loss,
    rec_sar_loss,
)

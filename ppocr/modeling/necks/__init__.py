"""Necks; importing this package registers them."""

from ppocr.modeling.necks import db_fpn, lkpan, rse_fpn, sequence_encoder  # noqa: F401

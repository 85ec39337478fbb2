"""Heads; importing this package registers them."""

from ppocr.modeling.heads import cls_head, det_db_head, rec_ctc_head, rec_multi_head, rec_sar_head  # noqa: F401

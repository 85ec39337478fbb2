from ppocr.modeling.heads import rec_ctc_head, rec_multi_head, rec_sar_head  # noqa: F401

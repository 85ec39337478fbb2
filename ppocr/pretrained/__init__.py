from ppocr.pretrained import rec_import  # noqa: F401

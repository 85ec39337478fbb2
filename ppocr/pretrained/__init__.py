"""Importers of released weights (ONNX) into our models."""

from ppocr.pretrained import cls_import, det_import, rec_import  # noqa: F401

"""Inference on images with single models and the whole OCR system."""

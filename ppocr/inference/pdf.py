"""PDF pages as images, and the inputs of the ``ppocr`` command (images and PDFs).

Pages are rendered as PaddleOCR 2.7 renders them (ppocr/utils/utility.py ``check_and_read``, with
PyMuPDF): at twice 72 dpi, or at 72 dpi where the doubled page would be wider or taller than 2000
pixels; BGR arrays. We render with pypdfium2 (PDFium, the renderer of Chrome; one wheel, no
dependencies), so the pixels are close to, not equal to, PyMuPDF's.
"""

from __future__ import annotations

import os

import numpy as np

from ppocr.errors import ConfigError, DataError
from ppocr.inference.images import IMAGE_EXTS, as_bgr

PDFIUM_PIN = "pypdfium2==5.15.2"
ZOOM, MAX_SIDE = 2, 2000


def is_pdf(path) -> bool:
    return isinstance(path, (str, os.PathLike)) and str(path).lower().endswith(".pdf")


def render_pdf(path: str, page_num: int = 0) -> list[np.ndarray]:
    """The first ``page_num`` pages (0: all) of the PDF at ``path`` as BGR uint8 arrays."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise ConfigError(f"{path}: reading PDFs needs pypdfium2 ({PDFIUM_PIN}; pip install it)") from None
    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as e:
        raise DataError(f"{path}: cannot open the PDF ({e})") from None
    pages = []
    try:
        count = len(pdf) if page_num <= 0 else min(page_num, len(pdf))
        for i in range(count):
            page = pdf[i]
            width, height = page.get_size()  # points (1/72 inch)
            scale = 1 if max(width, height) * ZOOM > MAX_SIDE else ZOOM
            bitmap = page.render(scale=scale)  # PDFium's native order: BGR (BGRA/BGRX with alpha)
            pixels = bitmap.to_numpy()
            if bitmap.mode.startswith("RGB"):
                pixels = pixels[:, :, 2::-1]
            pages.append(np.ascontiguousarray(as_bgr(pixels[:, :, :3] if pixels.ndim == 3 else pixels)))
            page.close()
    finally:
        pdf.close()
    return pages


def list_inputs(path: str) -> list[str]:
    """A file, or every image and PDF below a folder (sorted)."""
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise DataError(f"--image_dir: no such file or folder: {path}")
    exts = (*IMAGE_EXTS, ".pdf")
    found = sorted(os.path.join(d, f) for d, _, files in os.walk(path) for f in files if f.lower().endswith(exts))
    if not found:
        raise DataError(f"--image_dir: no images or PDFs ({', '.join(exts)}) below {path}")
    return found

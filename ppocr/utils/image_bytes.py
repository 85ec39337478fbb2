"""Is an encoded image complete? OpenCV decodes a truncated JPEG or PNG without an error (the missing
rows come out flat grey or black), so training and inference check the file's end marker first."""

from __future__ import annotations

JPEG_START, JPEG_SOS, JPEG_EOI = b"\xff\xd8", b"\xff\xda", b"\xff\xd9"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_IEND = b"IEND\xaeB`\x82"  # the IEND chunk's type and its (fixed) CRC


def truncation(data: bytes) -> str | None:
    """Why ``data`` is a cut-off JPEG or PNG, or None (complete, or another format).

    JPEG: the last end-of-image marker (FF D9) must follow the last start-of-scan (FF DA); in the
    scan data FF is always stuffed, so only the real end can be there (an EXIF thumbnail's end
    comes before the image's scan). Bytes after it (padding, appended data) are allowed.
    PNG: the IEND chunk must be there."""
    head = bytes(data[:8])
    if head.startswith(JPEG_START):
        end = data.rfind(JPEG_EOI)
        if end < 0 or data.find(JPEG_SOS, end + 2) >= 0:  # a scan after it; only the tail is searched
            return "truncated JPEG (no end-of-image marker after the image data)"
    elif head == PNG_SIGNATURE and data.rfind(PNG_IEND) < 0:
        return "truncated PNG (no IEND chunk)"
    return None

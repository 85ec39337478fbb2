"""How a path in a config is found, said in every "not found" error.

Relative paths in configs (``Global.*``, ``data_dir``, label files, dictionaries) are resolved
against the **working directory** of the command, as PaddleOCR resolves them; docs/config.md says
so, and :func:`where_looked` adds it to the errors.
"""

from __future__ import annotations

import os


def where_looked(path: str) -> str:
    """`` (relative to the working directory /x/y)`` for a relative path, plus how to get the
    released models for a path under ``pretrained/``; empty for an absolute path elsewhere."""
    p = str(path)
    note = "" if os.path.isabs(p) else f" (relative to the working directory {os.getcwd()})"
    if p.replace("\\", "/").lstrip("./").startswith("pretrained/"):
        note += "; run `make pretrained` to import PaddleOCR's released PP-OCRv3 models there"
    return note


def is_url(path) -> bool:
    return isinstance(path, str) and path.lower().startswith(("http://", "https://", "ftp://"))


def url_error(path: str, key: str) -> str:
    return (f"{key}: {path} is a URL; nothing is downloaded at run time. Download the file yourself "
            f"and give its local path (for PaddleOCR's released PP-OCRv3 det/rec/cls models: "
            f"`make pretrained`, then pretrained/ppocrv3_det etc.)")

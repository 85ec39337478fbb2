"""How a path in a config is found, said in every "not found" error.

Relative paths in configs (``Global.*``, ``data_dir``, label files, dictionaries) are resolved
against the **working directory** of the command, as PaddleOCR resolves them; docs/config.md says
so, and :func:`where_looked` adds it to the errors.
"""

from __future__ import annotations

import os
from pathlib import Path


def where_looked(path: str) -> str:
    """`` (relative to the working directory /x/y)`` for a relative path, plus how to get the
    released models for a path under ``pretrained/``; empty for an absolute path elsewhere."""
    p = str(path)
    note = "" if os.path.isabs(p) else f" (relative to the working directory {os.getcwd()})"
    if p.replace("\\", "/").lstrip("./").startswith("pretrained/"):
        note += ("; run `make pretrained` (in a checkout) or `ppocr-pretrained` to import PaddleOCR's released "
                 "PP-OCRv3 models")
    return note


def is_url(path) -> bool:
    return isinstance(path, str) and path.lower().startswith(("http://", "https://", "ftp://"))


def url_error(path: str, key: str) -> str:
    return (f"{key}: {path} is a URL; nothing is downloaded at run time. Download the file yourself "
            f"and give its local path (for PaddleOCR's released PP-OCRv3 det/rec/cls models: "
            f"`make pretrained`, then pretrained/ppocrv3_det etc.)")


# Where the released models and the downloads live, in a checkout and in an installed package alike.
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # .../ppocr
PRETRAINED_ENV = "PPOCR_PRETRAINED"
CACHE_ENV = "PPOCR_CACHE"


def checkout_root() -> Path | None:
    """The repository root when ppocr runs from a checkout (an editable install included), else None."""
    root = PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() and (root / "configs").is_dir() else None


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/ppocr``, else ``~/.cache/ppocr``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ppocr"


# The released ONNX model kept beside each imported checkpoint (pretrained/<name>/), which
# inference runs on onnxruntime when no model is given (ppocr.inference.system.load_stage).
RELEASED_ONNX = "inference.onnx"


def pretrained_root() -> Path:
    """Where the released models are imported to and read from: ``$PPOCR_PRETRAINED``, else the
    checkout's ``pretrained/`` when it has one (`make pretrained`), else the user cache's
    ``pretrained/`` (``ppocr-pretrained``)."""
    return _first_of(PRETRAINED_ENV, "pretrained", "pretrained")


def download_cache() -> Path:
    """Where the released-model wheel is downloaded: ``$PPOCR_CACHE``, else the checkout's ``.cache/``
    when it has one, else the user cache's ``downloads/``."""
    return _first_of(CACHE_ENV, ".cache", "downloads")


def _first_of(env_var: str, in_checkout: str, in_user_cache: str) -> Path:
    """``$env_var``, else the checkout's ``in_checkout`` folder when it exists, else the user
    cache's ``in_user_cache``."""
    if os.environ.get(env_var):
        return Path(os.environ[env_var])
    root = checkout_root()
    if root is not None and (root / in_checkout).is_dir():
        return root / in_checkout
    return user_cache_dir() / in_user_cache


PRETRAINED_HINT = "run `ppocr-pretrained` (or `make pretrained` in a checkout) to import the released models"


def packaged_config(path: str) -> str | None:
    """The copy of ``path`` among the configs shipped in the package (``configs/det/x.yml`` ->
    ``<ppocr>/configs/det/x.yml``), or None. Only for a relative path that is not a file."""
    p = str(path).replace("\\", "/")
    if os.path.isabs(p) or os.path.isfile(p):
        return None
    while p.startswith("./"):
        p = p[2:]
    rel = p[len("configs/"):] if p.startswith("configs/") else p
    candidate = PACKAGE_DIR / "configs" / rel
    return str(candidate) if candidate.is_file() else None


def shipped_file(path: str) -> str | None:
    """Where a relative config path that is not a file under the working directory is found
    outside a checkout: ``ppocr/...`` in the installed package (the dictionaries), ``pretrained/...``
    under :func:`pretrained_root`; None when it is absolute, exists, or has no such copy."""
    p = str(path).replace("\\", "/")
    if os.path.isabs(p) or os.path.isfile(p):
        return None
    while p.startswith("./"):
        p = p[2:]
    if p.startswith("ppocr/"):
        candidate = PACKAGE_DIR / p[len("ppocr/"):]
    elif p.startswith("pretrained/"):
        candidate = pretrained_root() / p[len("pretrained/"):]
    else:
        return None
    return str(candidate) if candidate.is_file() else None

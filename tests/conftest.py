"""Shared fixtures. ``shared`` is ../shared (real samples and PaddleOCR reference facts); tests that
need it skip with a reason where it is absent (a user's fresh clone does not have it), and fail
under CI (``CI`` set), where no oracle may be skipped silently."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import missing_oracle

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PPOCR_SHARED", REPO.parent / "shared"))
PRETRAINED_CACHE = REPO / ".cache"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "reference").is_dir():
        missing_oracle(f"{SHARED} is absent (real samples and PaddleOCR reference facts)")
    return SHARED


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture
def logs(caplog):
    """caplog for the 'ppocr' logger (which does not propagate outside tests)."""
    import logging

    from ppocr.utils.logging import get_logger

    logger = get_logger()
    logger.propagate = True
    with caplog.at_level(logging.INFO, logger="ppocr"):
        yield caplog
    logger.propagate = False

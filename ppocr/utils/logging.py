"""One logger for the framework; only rank 0 prints INFO, every rank prints warnings and errors."""

from __future__ import annotations

import logging
import os
import sys

_LOGGER_NAME = "ppocr"


def rank() -> int:
    """This process's rank under paddle.distributed.launch (0 when not distributed)."""
    return int(os.environ.get("PADDLE_TRAINER_ID", "0"))


def get_logger(log_file: str | None = None) -> logging.Logger:
    logger = logging.getLogger(_LOGGER_NAME)
    if not getattr(logger, "_ppocr_ready", False):
        logger.setLevel(logging.INFO if rank() == 0 else logging.WARNING)
        handler = logging.StreamHandler(sys.stdout)
        prefix = "" if rank() == 0 else f"[rank {rank()}] "
        handler.setFormatter(logging.Formatter(f"{prefix}[%(asctime)s] %(levelname)s %(message)s",
                                               "%Y-%m-%d %H:%M:%S"))
        logger.addHandler(handler)
        logger.propagate = False
        logger._ppocr_ready = True
    if log_file and rank() == 0 and not any(
            isinstance(h, logging.FileHandler) and h.baseFilename == os.path.abspath(log_file)
            for h in logger.handlers):
        os.makedirs(os.path.dirname(os.path.abspath(log_file)), exist_ok=True)
        fh = logging.FileHandler(log_file, encoding="utf-8")
        fh.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s %(message)s"))
        logger.addHandler(fh)
    return logger

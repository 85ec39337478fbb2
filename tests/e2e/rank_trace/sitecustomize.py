"""Test-only plugin for tests/e2e/test_distributed.py and test_multinode.py; nothing in ppocr knows about it.

The test puts this folder on PYTHONPATH, so Python imports this module at start-up in every process of
a ``paddle.distributed.launch`` run. In a worker (``PADDLE_TRAINER_ID`` set by the launcher), it
appends to ``$RANK_TRACE_DIR/rank<N>.txt``:

- ``sample EPOCH INDEX`` for each sample key the batch sampler yields (which samples the rank read);
- ``replace DST`` for each file or folder the rank moves into place with ``os.replace``/``os.rename``
  (every checkpoint and JSON file is written to a temporary path, then renamed).

With ``RANK_TRACE_WEIGHTS=1`` it also saves the trainable parameters each rank holds when
``Trainer.train`` returns to ``$RANK_TRACE_DIR/weights_rank<N>.npz``: rank 1 never writes checkpoints,
so this is the only way to compare the ranks' final weights. BatchNorm running statistics are left
out: each rank keeps its own, as with PaddleOCR's DataParallel.
"""

from __future__ import annotations

import os

TRACE_DIR = os.environ.get("RANK_TRACE_DIR")
RANK = os.environ.get("PADDLE_TRAINER_ID")


def _write(lines) -> None:
    with open(os.path.join(TRACE_DIR, f"rank{RANK}.txt"), "a") as f:
        f.writelines(line + "\n" for line in lines)


def _trace_samples() -> None:
    from ppocr.data.sampler import EpochBatchSampler

    iterate = EpochBatchSampler.__iter__

    def traced(self):
        for keys in iterate(self):
            _write(f"sample {epoch} {index}" for epoch, index in keys)
            yield keys

    EpochBatchSampler.__iter__ = traced


def _trace_renames() -> None:
    def traced(move):
        def wrapper(src, dst, *args, **kwargs):
            move(src, dst, *args, **kwargs)
            _write([f"replace {os.path.realpath(dst)}"])

        return wrapper

    os.replace = traced(os.replace)
    os.rename = traced(os.rename)


def _save_final_weights() -> None:
    from ppocr.engine.trainer import Trainer

    train = Trainer.train

    def traced(self):
        state = train(self)
        import numpy as np

        model = getattr(self.model, "_layers", self.model)  # paddle.DataParallel wraps it
        np.savez(os.path.join(TRACE_DIR, f"weights_rank{RANK}.npz"),
                 **{k: v.numpy() for k, v in model.named_parameters() if not v.stop_gradient})
        return state

    Trainer.train = traced


if TRACE_DIR and RANK is not None:
    os.makedirs(TRACE_DIR, exist_ok=True)
    _trace_samples()
    _trace_renames()
    if os.environ.get("RANK_TRACE_WEIGHTS") == "1":
        _save_final_weights()

"""Opt-in speed options for CPU fine-tuning (docs/training.md, "Faster CPU fine-tuning").

``Global.to_static: true`` compiles the model's training forward with ``paddle.jit.to_static``
(whole graph, Paddle's AST translation) and runs the loss, the backward and the optimizer step in
dygraph: losses with data-dependent sizes (DB's hard-negative mining) need no change, and
checkpoints, LR schedules and hooks see the same parameters. The results equal dygraph's up to
float summation order, not bitwise, so it is off by default (the trajectory replays run dygraph).
Evaluation keeps the dygraph model. Each new input shape (e.g. a smaller last batch) is traced once
more and cached.
"""

from __future__ import annotations

from collections.abc import Callable

import paddle

from ppocr.utils.logging import get_logger


def build_forward(model, loss_fn, to_static: bool) -> Callable | None:
    """``batch -> losses`` for the trainer, or None for the plain dygraph calls."""
    if not to_static:
        return None

    # the compiled function is traced for the shapes of all its inputs: give it only the image
    # unless a head reads the batch (SAR's labels, padded to one length), so label maps and other
    # entries the model never reads neither enter the program nor cause a new trace
    needs_batch = any(getattr(layer, "wants_batch", False) for layer in model.sublayers())

    def train_forward(batch: dict):
        return model(batch)

    compiled = paddle.jit.to_static(train_forward, full_graph=True)

    def forward_and_loss(batch: dict):
        return loss_fn(compiled(batch if needs_batch else {"image": batch["image"]}), batch)

    get_logger().info("Global.to_static: training forward compiled with paddle.jit.to_static")
    return forward_and_loss

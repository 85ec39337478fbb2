"""Evaluation: model -> post-process -> metric over a loader, merged across ranks."""

from __future__ import annotations

import paddle
from tqdm import tqdm

from ppocr.data.datasets.base import BAD_KEY, FILTERED_KEY
from ppocr.engine.distributed import DistEnv, gather_objects


def evaluate(model, loader, postprocess, metric, env: DistEnv | None = None,
             progress: bool = True) -> dict:
    env = env or DistEnv()
    was_training = model.training
    model.eval()
    metric.reset()
    with paddle.no_grad():
        for batch in tqdm(loader, desc="eval", disable=not (progress and env.is_main), leave=False,
                          dynamic_ncols=True):
            batch.pop(BAD_KEY, None)
            batch.pop(FILTERED_KEY, None)
            outputs = model(batch)
            metric.update(postprocess(outputs, batch), batch)
    metric.merge(gather_objects(dict(metric.sums), env))
    if was_training:
        model.train()
    return metric.compute()

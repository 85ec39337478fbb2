"""One logging path: a flat dict of scalars per event goes to every sink (console, JSONL, VisualDL).
Only rank 0 builds a Recorder with sinks; other ranks get one without any."""

from __future__ import annotations

import collections
import datetime
import json
import os
import time

from ppocr.engine.hooks.base import Hook
from ppocr.utils.logging import get_logger


class ConsoleSink:
    def write(self, kind: str, step: int, record: dict) -> None:
        if kind == "summary":  # SummaryHook prints its own lines
            return
        if kind == "train":
            head = f"epoch: [{record.pop('epoch')}/{record.pop('epoch_num')}], global_step: {step}"
        else:
            head = f"{kind} at global_step {step}"
        get_logger().info(f"{head}, " + ", ".join(f"{k}: {_fmt(v)}" for k, v in record.items()))


class JsonlSink:
    def __init__(self, path: str):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.file = open(path, "a", encoding="utf-8")

    def write(self, kind: str, step: int, record: dict) -> None:
        self.file.write(json.dumps({"kind": kind, "step": step, "time": time.time(), **record}) + "\n")
        self.file.flush()


class VisualDLSink:
    def __init__(self, logdir: str):
        from visualdl import LogWriter

        self.writer = LogWriter(logdir)

    def write(self, kind: str, step: int, record: dict) -> None:
        for k, v in record.items():
            if isinstance(v, (int, float)):
                self.writer.add_scalar(f"{kind}/{k}", v, step)
        self.writer.flush()


class Recorder:
    def __init__(self, sinks: list):
        self.sinks = sinks

    def write(self, kind: str, step: int, record: dict) -> None:
        for sink in self.sinks:
            sink.write(kind, step, dict(record))


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.6f}" if abs(v) < 1e4 else f"{v:.4g}"
    return str(v)


# The training metric costs an extra eval-mode forward of the batch (batch_metric): it is read on a
# console line at most once every METRIC_EVERY steps, and again only while those forwards have taken
# at most METRIC_SHARE of the time since training started, so that logging every step
# (print_batch_step 1) does not slow training by that forward (a rec GTC step: +17%, a cls step of
# batch 64: +23%); lines in between go without it. The first line that can have it always does.
METRIC_EVERY = 10
METRIC_SHARE = 0.01


class LoggerHook(Hook):
    """Every ``print_batch_step``: smoothed loss terms, lr, samples/s, reader/batch cost, ETA, and
    (``cal_metric_during_train``) the metric of the current weights on the last training batch, on
    a line at least METRIC_EVERY steps after the last line that had it, within METRIC_SHARE of the
    training time."""

    api = ("batch_metric",)

    def __init__(self, recorder: Recorder, print_batch_step: int, window: int, train_metric=None):
        self.recorder = recorder
        self.every = max(1, int(print_batch_step))
        self.values = collections.defaultdict(lambda: collections.deque(maxlen=max(1, int(window))))
        self.train_metric = train_metric  # (postprocess, metric) or None
        self.reader = self.batch = 0.0
        self.samples = 0
        self.count = 0
        self.metric_step: int | None = None  # the step whose line last had the metric
        self.metric_seconds = 0.0  # spent in batch_metric since before_train

    def batch_metric(self, trainer) -> dict:
        """The metric of the current weights on the last training batch, read as evaluation reads:
        an eval-mode forward (BatchNorm with its running statistics, no dropout, the inference
        branch of a GTC head). The training forward's own outputs say little on a fine-tune's small
        batches: batch statistics of a few padded crops distort a released model, and a recogniser
        read there shows 0.000 while it reads the same batch well."""
        import paddle

        post, metric = self.train_metric
        batch = {k: v for k, v in trainer.last_batch.items()}
        trainer.model.eval()
        try:
            with paddle.no_grad():
                outputs = trainer.model(batch)
        finally:
            trainer.model.train()
        metric.reset()
        metric.update(post(outputs, batch), batch)
        return {k: v for k, v in metric.compute().items() if k != "count"}

    def before_train(self, trainer) -> None:
        self.start_step = trainer.state.global_step
        self.start_time = time.perf_counter()
        self.metric_seconds = 0.0

    def _metric_due(self, step: int) -> bool:
        if self.metric_step is None:
            return True
        elapsed = time.perf_counter() - self.start_time
        return step - self.metric_step >= METRIC_EVERY and self.metric_seconds <= METRIC_SHARE * elapsed

    def after_step(self, trainer) -> None:
        for k, v in trainer.last_losses.items():
            self.values[k].append(v)
        self.reader += trainer.reader_cost
        self.batch += trainer.batch_cost
        self.samples += trainer.batch_size
        self.count += 1
        s = trainer.state
        if s.global_step % self.every and s.global_step != trainer.total_steps:
            return
        record = {"epoch": s.epoch, "epoch_num": trainer.epoch_num, "lr": trainer.lr}
        record.update({k: sum(v) / len(v) for k, v in self.values.items()})
        if self.train_metric is not None and self._metric_due(s.global_step):
            self.metric_step = s.global_step
            tic = time.perf_counter()
            record.update(self.batch_metric(trainer))
            self.metric_seconds += time.perf_counter() - tic
        elapsed = time.perf_counter() - self.start_time
        done = s.global_step - self.start_step
        eta = elapsed / max(done, 1) * (trainer.total_steps - s.global_step)
        record.update({
            "avg_reader_cost": self.reader / self.count, "avg_batch_cost": self.batch / self.count,
            "avg_samples": self.samples / self.count,
            "ips": self.samples / max(self.batch, 1e-9) * s.world_size,  # samples/s over all ranks
            "eta": str(datetime.timedelta(seconds=int(eta))),
        })
        self.recorder.write("train", s.global_step, record)
        self.reader = self.batch = 0.0
        self.samples = self.count = 0

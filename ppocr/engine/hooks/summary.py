"""The end-of-run summary (console and log.jsonl): steps, samples/s, wall time, the metric at the
start (the step-0 baseline of a fine-tune), the best and its step, the final one, whether the run
improved on its start, where the checkpoints are and the command that exports the best one."""

from __future__ import annotations

import os
import time

from ppocr.engine.hooks.base import Hook
from ppocr.utils.logging import get_logger


class SummaryHook(Hook):
    def __init__(self, recorder, out_dir: str, config_path: str, eval_hook=None):
        self.recorder, self.out_dir, self.config_path, self.eval_hook = recorder, out_dir, config_path, eval_hook

    def before_train(self, trainer) -> None:
        self.start_time = time.perf_counter()
        self.start_step = trainer.state.global_step
        self.start_samples = trainer.state.samples_seen

    def after_train(self, trainer) -> None:
        s = trainer.state
        wall = time.perf_counter() - self.start_time
        samples = s.samples_seen - self.start_samples
        record = {"steps": s.global_step - self.start_step, "global_step": s.global_step,
                  "wall_s": round(wall, 1), "samples_per_s": round(samples / max(wall, 1e-9), 2)}
        lines = [f"run summary: {record['steps']} steps in {wall:.0f} s ({record['samples_per_s']} samples/s)"]
        ev = self.eval_hook
        if ev is not None and ev.last_metrics:
            key = ev.main_indicator
            start = (ev.baseline or {}).get(key)
            best = s.best.get("metric", {}).get(key)
            final = ev.last_metrics.get(key)
            record.update({"metric": key, "start": start, "best": best, "best_step": s.best.get("global_step"),
                           "final": final})
            lines.append(f"{key}: start {_num(start)}, best {_num(best)} at step {s.best.get('global_step')}, "
                         f"final {_num(final)}")
            if start is not None and best is not None:
                if best > start:
                    lines.append(f"improved on the start by {best - start:+.4f} ({key} {start:.4f} -> {best:.4f})")
                else:
                    lines.append(f"did not improve on the start ({key} {start:.4f}): best_accuracy holds the "
                                 f"starting weights")
        best_dir, latest_dir = os.path.join(self.out_dir, "best_accuracy"), os.path.join(self.out_dir, "latest")
        record.update({"best_accuracy": best_dir if os.path.isdir(best_dir) else None, "latest": latest_dir})
        lines.append(f"checkpoints: {latest_dir}" + (f", {best_dir}" if record["best_accuracy"] else ""))
        weights = record["best_accuracy"] or latest_dir
        record["export"] = (f"python tools/export_model.py -c {os.path.join(self.out_dir, 'config.yml')} "
                            f"-o Global.pretrained_model={weights} --output {self.out_dir}_infer")
        lines.append(f"export: {record['export']}")
        for line in lines:
            get_logger().info(line)
        self.recorder.write("summary", s.global_step, record)


def _num(v) -> str:
    return "-" if v is None else f"{v:.4f}"

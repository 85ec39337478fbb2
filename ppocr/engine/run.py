"""Assemble a training or evaluation run from a config: the only place that knows all the parts."""

from __future__ import annotations

import os
import random
import signal
import threading

import numpy as np
import paddle

from ppocr.config import Config, Settings, settings
from ppocr.engine import builder
from ppocr.engine.amp import build_amp
from ppocr.engine.builder import Session, resolve_weights
from ppocr.engine.checkpoint import load_optimizer, load_weights, read_state, resolve_checkpoint_dir
from ppocr.engine.distributed import DistEnv, init_distributed, unwrap, wrap_model
from ppocr.engine.evaluator import evaluate
from ppocr.engine.fast_options import build_forward
from ppocr.engine.hooks.checkpointing import CheckpointHook
from ppocr.engine.hooks.data_health import DataHealthHook
from ppocr.engine.hooks.evaluation import EvalHook
from ppocr.engine.hooks.logger import ConsoleSink, JsonlSink, LoggerHook, Recorder, VisualDLSink
from ppocr.engine.hooks.summary import SummaryHook
from ppocr.engine.rank_guard import start_guard
from ppocr.engine.trainer import Schedule, Trainer, Training, TrainState
from ppocr.errors import ConfigError
from ppocr.modeling.freeze_layers import freeze_layers, layer_patterns
from ppocr.modeling.freeze_norm import freeze_norm, norm_patterns
from ppocr.optimizer import build_optimizer
from ppocr.utils.hugepages import hugepages_on
from ppocr.utils.logging import get_logger


def setup_device(g: Settings, env: DistEnv) -> str:
    has_gpu = paddle.device.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0
    if g.use_gpu and has_gpu:
        device = f"gpu:{int(os.environ.get('FLAGS_selected_gpus', env.rank % paddle.device.cuda.device_count()))}"
    else:
        device = "cpu"
        if g.use_gpu:
            get_logger().info("no GPU available: running on the CPU")
    paddle.set_device(device)
    if device == "cpu" and g.cpu_threads != 1:
        threads = g.cpu_threads or os.cpu_count() or 1
        paddle.base.core.set_num_threads(threads)
        get_logger().info(f"Global.cpu_threads: Paddle's CPU math runs on {threads} threads")
    return device


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    paddle.seed(seed)


def run_length(cfg: Config, steps_per_epoch: int) -> tuple[int, int]:
    """(epochs, iterations) of a run: ``Global.max_iters`` when > 0, else ``epoch_num`` epochs."""
    g = settings(cfg)
    max_iters, epoch_num = g.max_iters, g.epoch_num
    total_steps = max_iters if max_iters > 0 else epoch_num * steps_per_epoch
    if max_iters > 0:
        epoch_num = -(-max_iters // steps_per_epoch)
    if total_steps <= 0:
        raise ConfigError(f"{cfg.path}: nothing to train (Global.epoch_num={epoch_num}, max_iters={max_iters})")
    return epoch_num, total_steps


def rescale_position(state, world_size: int, steps_per_epoch: int) -> None:
    """Move a checkpoint's position to another world size: the same epoch, and in it the batch
    that has read about the same share of the epoch (samples read / (batch x new world size));
    ``global_step`` is then counted in the new world's steps, so ``epoch_num`` ends where it says.
    ``state.world_size`` is the checkpoint's; the caller sets the new one."""
    done = state.step_in_epoch * state.world_size // world_size
    if done >= steps_per_epoch:
        state.epoch, done = state.epoch + 1, 0
    state.step_in_epoch = done
    state.global_step = (state.epoch - 1) * steps_per_epoch + done


def build_training(cfg: Config, session: Session, steps_per_epoch: int, total_steps: int) -> Training:
    """Optimizer over the trainable parameters, its LR schedule (stepped once per iteration; epochs
    count ``steps_per_epoch`` iterations), the loss, and AMP when configured."""
    if "Optimizer" not in cfg:
        raise ConfigError(f"{cfg.path}: Optimizer section is missing")
    model = session.model
    optimizer, lr_scheduler = build_optimizer(cfg["Optimizer"], model.named_parameters(),
                                              steps_per_epoch, total_steps)
    loss_fn = builder.build_loss(cfg, session.inputs)
    amp, model, optimizer = build_amp(session.settings, model, optimizer)
    return Training(model, optimizer, lr_scheduler, loss_fn, amp)


def _raise_exit(signum, frame) -> None:
    raise SystemExit(128 + signum)


def exit_on_sigterm() -> None:
    """Make SIGTERM (a scheduler's or a user's ``kill``) unwind the run like Ctrl-C, so data-loader
    worker processes shut down with their iterator instead of outliving it; exit status 143.
    Installed after paddle's import, which sets SIGTERM back to the default. Nothing is saved on the
    way out: the last ``latest`` checkpoint stays the resume point."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_exit)


def train(cfg: Config) -> TrainState:
    exit_on_sigterm()
    env = init_distributed()
    guard = start_guard(env)  # several processes: a dead peer ends this rank with one line (rank_guard.py)
    ok = False
    try:
        state = _train(cfg, env)
        ok = True
        return state
    finally:
        if guard:
            guard.stop(ok)


def _train(cfg: Config, env: DistEnv) -> TrainState:
    g = settings(cfg)  # Global, typed and checked, resolved once for the whole run
    out_dir = g.save_model_dir
    log = get_logger(os.path.join(out_dir, "train.log") if env.is_main else None)
    setup_device(g, env)
    if hugepages_on():
        log.info("malloc: transparent huge pages on (GLIBC_TUNABLES glibc.malloc.hugetlb=1), "
                 "far fewer page faults per step; PPOCR_HUGEPAGES=0 turns this off")
    seed = g.seed
    seed_everything(seed)
    session = Session(cfg, env.rank, env.world_size)
    model = session.model

    resuming = bool(g.checkpoints)
    fine_tune = bool(g.pretrained_model) and not resuming
    if fine_tune:
        load_weights(model, g.pretrained_model, g.allow_mismatch,
                     what="Global.pretrained_model")
    frozen_layers = freeze_layers(model, layer_patterns(g.freeze_backbone))  # before the optimizer
    if frozen_layers:
        log.info(f"Global.freeze_backbone: {', '.join(frozen_layers)} fixed (no backward through them)")
    frozen = freeze_norm(model, norm_patterns(g.freeze_norm))  # before the optimizer
    if frozen:
        log.info(f"Global.freeze_norm: {len(frozen)} BatchNorm layers keep their statistics and "
                 f"scale/shift ({frozen[0]}{', ...' if len(frozen) > 1 else ''})")

    train_data = session.data("Train")
    steps_per_epoch = len(train_data.sampler)
    epoch_num, total_steps = run_length(cfg, steps_per_epoch)
    parts = build_training(cfg, session, steps_per_epoch, total_steps)
    model, optimizer, lr_scheduler, loss_fn, amp = (parts.model, parts.optimizer, parts.lr_scheduler,
                                                    parts.loss_fn, parts.amp)

    state = TrainState(seed=seed, world_size=env.world_size)
    if resuming:
        ckpt = resolve_checkpoint_dir(g.checkpoints)
        load_weights(model, ckpt, what="Global.checkpoints")
        load_optimizer(optimizer, ckpt, amp.scaler if amp else None)
        state = TrainState.from_dict(read_state(ckpt), os.path.join(ckpt, "state.json"))
        if state.world_size != env.world_size:
            log.warning(f"{ckpt} was written by {state.world_size} process(es), resuming with "
                        f"{env.world_size}: the sample order of the current epoch changes")
            if g.max_iters <= 0:  # an epoch run: keep the epoch position, in the new world's steps
                old_step = state.global_step
                rescale_position(state, env.world_size, steps_per_epoch)
                if lr_scheduler is not None:
                    lr_scheduler.step(state.global_step)  # the LR of the same point of the same epoch
                log.info(f"step {old_step} at {ckpt}'s world size is step {state.global_step} "
                         f"(epoch {state.epoch}, batch {state.step_in_epoch}) at {env.world_size}")
            state.world_size = env.world_size
        if state.seed != seed:
            log.warning(f"resuming with Global.seed={seed}, the checkpoint used {state.seed}")
            state.seed = seed
        log.info(f"resuming from {ckpt}: epoch {state.epoch}, step {state.global_step}")
        if state.global_step >= total_steps:  # before any hook: nothing trained, nothing saved
            log.info(f"{ckpt} is already at step {state.global_step} of this run's {total_steps}: "
                     f"nothing to train, nothing written (raise Global.max_iters/epoch_num to go on)")
            return state

    ddp_model = wrap_model(model, env)
    if env.is_main:
        cfg.dump(os.path.join(out_dir, "config.yml"))
    recorder = Recorder(_sinks(g, out_dir) if env.is_main else [])

    skip_unread_sub_models(session)
    hooks: list = [DataHealthHook(g.max_bad_sample_ratio, "Train.dataset")]
    # logging first, so a step's line comes before its evaluation
    train_metric = None
    if g.cal_metric_during_train and cfg.get("Metric") and cfg.get("PostProcess"):
        train_metric = (session.postprocess(), session.metric())
    hooks.append(LoggerHook(recorder, g.print_batch_step, g.log_smooth_window, train_metric))
    ckpt_hook = None
    if env.is_main:
        ckpt_hook = CheckpointHook(out_dir, g.save_epoch_step, g.save_latest_step, model, cfg,
                                   student=session.student, amp=amp)
    if cfg.get("Eval") and cfg.get("Metric") and cfg.get("PostProcess"):
        eval_data = session.data("Eval")
        post, metric = session.postprocess(), session.metric()
        start, every = g.eval_start_every
        at_start = g.eval_at_start
        eval_hook = EvalHook(lambda: evaluate(ddp_model, eval_data.loader, post, metric, env),
                             start, every, g.eval_epoch_end,
                             metric.main_indicator, recorder,
                             on_best=ckpt_hook.save_best if ckpt_hook else None,
                             at_start=fine_tune if at_start is None else bool(at_start))
        hooks.append(eval_hook)
    else:
        eval_hook = None
    if ckpt_hook:
        hooks.append(ckpt_hook)  # after evaluation: `latest` then carries the best metric just computed
    if env.is_main:
        hooks.append(SummaryHook(recorder, out_dir, cfg.path, eval_hook))  # last: after the final save

    if g.to_static and amp is not None:
        log.warning("Global.to_static is ignored with AMP on: the AMP step runs in dygraph")
    forward = build_forward(ddp_model, loss_fn, g.to_static and amp is None)  # opt-in speed options
    trainer = Trainer(Training(ddp_model, optimizer, lr_scheduler, loss_fn, amp, forward), train_data,
                      Schedule(total_steps, steps_per_epoch, epoch_num), state, hooks)
    log.info(f"training {type(unwrap(model)).__name__} ({cfg['Architecture'].get('algorithm', '')}): "
             f"{len(train_data.dataset)} samples, {steps_per_epoch} steps/epoch, {total_steps} steps, "
             f"{env.world_size} process(es)")
    return trainer.train()


def skip_unread_sub_models(session: Session) -> None:
    """A distillation model evaluates (and reads the training metric) with only the sub-models its
    post-process reads: the results are the same, without e.g. a frozen teacher's forward."""
    names = getattr(session.postprocess(), "model_names", None) if session.cfg.get("PostProcess") else None
    if names is not None and hasattr(session.model, "evaluate_only"):
        session.model.evaluate_only(names)


def _sinks(g: Settings, out_dir: str) -> list:
    sinks = [ConsoleSink(), JsonlSink(os.path.join(out_dir, "log.jsonl"))]
    if g.use_visualdl:
        sinks.append(VisualDLSink(os.path.join(out_dir, "vdl")))
    return sinks


def evaluate_config(cfg: Config, weights: str | None = None) -> dict:
    """tools/eval.py: evaluate ``weights`` (default Global.checkpoints or pretrained_model)."""
    env = init_distributed()
    setup_device(settings(cfg), env)
    session = Session(cfg, env.rank, env.world_size)
    path, what = resolve_weights(cfg, weights)
    load_weights(session.model, path, what=what)
    skip_unread_sub_models(session)
    data = session.data("Eval")
    metrics = evaluate(wrap_model(session.model, env), data.loader, session.postprocess(),
                       session.metric(), env)
    get_logger().info("metric eval: " + ", ".join(f"{k}: {v}" for k, v in metrics.items()))
    return metrics

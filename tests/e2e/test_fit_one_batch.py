"""Each task learns: a det student, a recogniser and the classifier fit one tiny fixed batch, with
the run assembled as tools/train.py assembles it (Session, build_training, Trainer.run_step) and a
constant lr. Stated factors and step counts; the margins were measured on this code (cls falls
~260x in 30 steps, det ~2.0x in 60, rec ~6x in 40), so a broken step, loss or optimizer fails."""

from __future__ import annotations

import pytest
from helpers import REPO, write_cls_set, write_rec_sets

from ppocr.config import load_config
from ppocr.engine.builder import Session
from ppocr.engine.run import build_training, seed_everything
from ppocr.engine.trainer import Schedule, Trainer, TrainState

pytestmark = pytest.mark.slow


def fit(config: str, data, batch_size: int, steps: int, lr: float, extra=()) -> list[float]:
    overrides = [f"Train.dataset.data_dir={data}", f"Train.dataset.label_file_list=[{data / 'label.txt'}]",
                 f"Train.loader.batch_size_per_card={batch_size}", "Train.loader.num_workers=0",
                 "Global.use_gpu=false", f"Optimizer.lr={{name: Const, learning_rate: {lr}}}", *extra]
    cfg = load_config(str(REPO / config), overrides)
    seed_everything(1)
    session = Session(cfg)
    batch = next(iter(session.data("Train").loader))
    parts = build_training(cfg, session, 1, steps)
    trainer = Trainer(parts, None, Schedule(steps, 1, steps), TrainState(seed=1))
    trainer.model.train()
    losses = []
    for _ in range(steps):
        trainer.run_step(dict(batch))
        losses.append(trainer.last_losses["loss"])
    return losses


def fell_by(losses: list[float]) -> float:
    return losses[0] / min(losses[-3:])


def test_classifier_fits_one_batch(tmp_path):
    data = write_cls_set(tmp_path / "cls", 8, seed=1)
    losses = fit("configs/cls/ppocrv3_cls.yml", data, 8, 30, 1e-3)
    assert fell_by(losses) > 20, losses


def test_det_student_fits_one_batch(tmp_path):
    from ppocr_synth import make_det_set

    make_det_set(str(tmp_path / "det"), 2, seed=1, height=160, width=160, max_len=8)
    losses = fit("configs/det/ppocrv3_det_student.yml", tmp_path / "det", 2, 60, 3e-3,
                 ["Train.dataset.transforms.EastRandomCropData.size=[160,160]"])
    assert fell_by(losses) > 1.6, losses


def test_recogniser_fits_one_batch(tmp_path):
    data = write_rec_sets(tmp_path / "rec", 8, 2, max_len=8) / "train"
    losses = fit("configs/rec/ppocrv3_rec_en.yml", data, 4, 40, 3e-3,
                 ["Global.character_dict_path=ppocr/utils/dict/en_dict.txt"])
    assert fell_by(losses) > 3, losses

"""The hook protocol is explicit: a misspelt event is an error when the hook class is defined, and
the trainer takes only hooks."""

import pytest

from ppocr.engine.hooks.base import EVENTS, Hook
from ppocr.engine.trainer import Schedule, Trainer, Training, TrainState


def test_a_misspelt_event_is_an_error_at_class_definition():
    with pytest.raises(TypeError, match="unknown public method\\(s\\) after_stpe"):
        class Typo(Hook):  # noqa: F841
            def after_stpe(self, trainer):
                pass


def test_events_and_declared_api_are_accepted():
    class Fine(Hook):
        api = ("report",)

        def after_step(self, trainer):
            pass

        def report(self):
            return "ok"

        def _helper(self):
            pass

    assert Fine().report() == "ok" and set(EVENTS) >= {"before_train", "after_step", "after_epoch", "after_train"}


def test_trainer_takes_only_hooks():
    class NotAHook:
        def after_step(self, trainer):
            pass

    with pytest.raises(TypeError, match="NotAHook is not a ppocr.engine.hooks.base.Hook"):
        Trainer(Training(None, None, None, None), None, Schedule(1, 1, 1), TrainState(), [NotAHook()])

"""The hook protocol: what a hook may define, checked when its class is defined.

A hook reacts to the trainer's events (``EVENTS``); each gets the trainer. Any other public method
must be listed in the class's ``api`` (methods other code calls, such as ``save_best``): a misspelt
event (``after_stpe``) is a TypeError at import instead of a method that never runs.
"""

from __future__ import annotations

EVENTS = ("before_train", "after_step", "after_epoch", "after_train")


class Hook:
    api: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        unknown = [name for name, value in vars(cls).items()
                   if callable(value) and not name.startswith("_") and name not in EVENTS and name not in cls.api]
        if unknown:
            raise TypeError(f"hook {cls.__name__}: unknown public method(s) {', '.join(unknown)}; "
                            f"a hook reacts to {', '.join(EVENTS)} (other public methods go in `api`)")

    def before_train(self, trainer) -> None:
        pass

    def after_step(self, trainer) -> None:
        pass

    def after_epoch(self, trainer) -> None:
        pass

    def after_train(self, trainer) -> None:
        pass

"""DistillationModel: named sub-models (Teacher, Student, Student2, ...) trained together.

Each sub-model is a :class:`BaseModel` with two extra keys: ``pretrained`` (weights the builder,
:func:`ppocr.engine.builder.build_model`, loads right after building, strictly) and ``freeze_params``
(no gradients; run under ``no_grad``). Parameters are
named ``<Sub>.backbone...`` as in PaddleOCR. ``forward`` returns ``{name: sub-model outputs}``.

In eval mode it runs every sub-model unless :meth:`DistillationModel.evaluate_only` named the ones
evaluation reads (training runs them all): a CML run's evaluation reads only the Student, and the
frozen ResNet50 teacher's forward on a full-size eval image (LK-PAN's 9x9 convolutions) was its
peak memory, +3 GB over training's.
"""

from __future__ import annotations

import paddle
from paddle import nn

from ppocr.errors import ConfigError
from ppocr.modeling.architectures.base_model import BaseModel
from ppocr.registry import ARCHITECTURES


@ARCHITECTURES.register
class DistillationModel(nn.Layer):
    def __init__(self, model_type: str, Models: dict, student: str | None = None,
                 algorithm: str | None = None, where: str = "Architecture", charset=None):
        super().__init__()
        if not isinstance(Models, dict) or not Models:
            raise ConfigError(f"{where}.Models: expected a mapping of named sub-models")
        self.model_type = model_type
        self.algorithm = algorithm
        self.frozen: list[str] = []
        self.names: list[str] = []
        for name, sub in Models.items():
            at = f"{where}.Models.{name}"
            if not isinstance(sub, dict):
                raise ConfigError(f"{at}: expected a mapping")
            args = {k: v for k, v in sub.items() if k not in ("pretrained", "freeze_params", "allow_mismatch")}
            args.setdefault("model_type", model_type)
            model = ARCHITECTURES.build_named("BaseModel", args, at, where=at, charset=charset)
            if sub.get("freeze_params"):
                for p in model.parameters():
                    p.stop_gradient = True
                self.frozen.append(name)
            self.add_sublayer(name, model)
            self.names.append(name)
        trainable = [n for n in self.names if n not in self.frozen]
        if student is None:
            student = "Student" if "Student" in self.names else (trainable or self.names)[0]
        if student not in self.names:
            raise ConfigError(f"{where}.student: '{student}' is not one of {self.names}")
        self.student_name = student
        self.eval_names: list[str] = list(self.names)  # run in eval mode (see evaluate_only)

    def evaluate_only(self, names) -> None:
        """Run only ``names`` (in this model's order) in eval mode; None: all of them again. The
        post-process and metric must not read the others (``ppocr.engine.run`` passes the names
        a Distillation* post-process reads)."""
        if names is None:
            self.eval_names = list(self.names)
            return
        unknown = [n for n in names if n not in self.names]
        if unknown:
            raise ConfigError(f"PostProcess.model_name: no sub-model {unknown} (has {self.names})")
        self.eval_names = [n for n in self.names if n in names]

    @property
    def student(self) -> BaseModel:
        return getattr(self, self.student_name)

    @property
    def export_key(self) -> str:
        return self.student.export_key

    def forward(self, batch: dict) -> dict:
        out = {}
        for name in (self.names if self.training else self.eval_names):
            model = getattr(self, name)
            if name in self.frozen:
                with paddle.no_grad():
                    out[name] = model(batch)
            else:
                out[name] = model(batch)
        return out

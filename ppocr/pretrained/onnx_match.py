"""Match an ONNX model's weights to our parameters by name, strictly, and load them.

Each importer says how a state-dict key is named in its file (:func:`match_weights`'s ``name_of``):
for models exported by Paddle 2.x that is the automatic name a parameter got at construction
(``conv2d_12.w_0``), which our model reproduces when built in PaddleOCR's order inside a fresh
``paddle.utils.unique_name.guard()`` (:func:`build_with_auto_names`); older static-graph models
carry explicit names that an importer maps by rule. Every shape is checked, every weight of the
file must be used and every key found, except keys under ``not_exported`` (training-only branches,
absent from an inference model); anything else is a :class:`CheckpointError`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from ppocr.errors import CheckpointError


def build_architecture(architecture: dict, models_built_before: int = 0, charset=None):
    """BaseModel from ``architecture`` inside a fresh name scope, after ``models_built_before``
    throw-away copies (when the exporting process built other models first). Its tensors carry
    the automatic names in ``.name``. ``charset`` sizes recognition heads."""
    import paddle

    import ppocr.modeling.architectures  # noqa: F401  (fill the registries)
    import ppocr.modeling.backbones  # noqa: F401
    import ppocr.modeling.heads  # noqa: F401
    import ppocr.modeling.necks  # noqa: F401
    from ppocr.registry import ARCHITECTURES

    def build():
        return ARCHITECTURES.build({"name": "BaseModel", **copy.deepcopy(architecture)}, "Architecture",
                                   charset=charset)

    with paddle.utils.unique_name.guard():
        for _ in range(models_built_before):
            build()
        return build()


def match_weights(model, weights: dict[str, np.ndarray], name_of: Callable[[str, object], str],
                  path: str, what: str, not_exported: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """Our key -> array for every key of ``model`` (except ``not_exported`` prefixes), looked up as
    ``weights[name_of(key, tensor)]``. Raises listing every missing name, shape mismatch and unused
    weight."""
    state, problems, used = {}, [], set()
    for key, tensor in model.state_dict().items():
        if key.startswith(not_exported):
            continue
        name = name_of(key, tensor)
        if name not in weights:
            problems.append(f"{key} ({name} not in the file)")
            continue
        value = weights[name]
        if tuple(value.shape) != tuple(tensor.shape):
            problems.append(f"{key} ({name}: file {list(value.shape)}, model {list(tensor.shape)})")
            continue
        state[key] = value
        used.add(name)
    problems += [f"{name} (in the file, matches no parameter)" for name in sorted(set(weights) - used)]
    if problems:
        raise CheckpointError(f"{path} does not fit {what}: {len(problems)} problem(s): "
                              f"{'; '.join(problems[:8])}{' ...' if len(problems) > 8 else ''}")
    return state


def load_state(model, state: dict[str, np.ndarray], path: str, what: str,
               not_exported: tuple[str, ...] = ()) -> list[str]:
    """Set ``model``'s tensors from ``state`` (an importer's output). Every imported tensor must fit
    and every key outside ``not_exported`` must be imported; logs one line; returns the keys left as
    initialised."""
    from ppocr.utils.logging import get_logger

    model_sd = model.state_dict()
    bad = [f"{k} (file {list(v.shape)}, model {list(model_sd[k].shape)})" if k in model_sd
           else f"{k} (not in the model)" for k, v in state.items()
           if k not in model_sd or tuple(model_sd[k].shape) != tuple(v.shape)]
    left = [k for k in model_sd if k not in state]
    missing = [k for k in left if not k.startswith(not_exported)]
    if bad or missing:
        problems = bad + [f"{k} (no weight in the file)" for k in missing]
        raise CheckpointError(f"{path} does not fit the model ({what} expected): "
                              f"{'; '.join(problems[:8])}{' ...' if len(problems) > 8 else ''}")
    for key, value in state.items():  # tensor by tensor: no per-key warnings
        model_sd[key].set_value(value.astype(str(model_sd[key].dtype).replace("paddle.", "")))
    summary = "none" if not left else f"{', '.join(sorted({_prefix(k, not_exported) for k in left}))}* " \
                                      f"({len(left)} tensors, training-only)"
    get_logger().info(f"loaded {len(state)}/{len(model_sd)} tensors from {path}; not in the release, "
                      f"left as initialised: {summary}")
    return left


def _prefix(key: str, prefixes: tuple[str, ...]) -> str:
    return next(p for p in prefixes if key.startswith(p))

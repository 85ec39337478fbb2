"""`make pretrained`: the released PP-OCRv3 models as ordinary checkpoints under ``pretrained/``.

For each model (det, rec, cls): import the ONNX weights into our architecture (every shape checked),
run our model and onnxruntime on the same fixed input and refuse any difference above 1e-4, then
write ``pretrained/<name>/`` with ``model.pdparams``, ``config.yml`` (the matching config, with
``Global.pretrained_model`` pointing here), ``state.json`` (source, check result, and the
training-only parameters the release does not carry, which loading then leaves initialised with
a note), the released ONNX file itself as ``inference.onnx`` (what inference runs on onnxruntime
when no model is given; its sha256 is in state.json) and, for the recogniser, its dictionary. A
model whose files are present and whose source is unchanged is skipped (only a missing or changed
``inference.onnx`` is copied again), so re-running is fast.
"""

from __future__ import annotations

import copy
import os
import shutil
from dataclasses import dataclass

import numpy as np

from ppocr.errors import CheckpointError
from ppocr.pretrained import fetch
from ppocr.utils.io import atomic_path, atomic_write_json, atomic_write_text, file_sha256
from ppocr.utils.logging import get_logger
from ppocr.utils.paths import RELEASED_ONNX, pretrained_root

TOLERANCE = 1e-4


@dataclass(frozen=True)
class Release:
    name: str            # folder under pretrained/
    onnx: str            # file in the wheel
    config: str          # our config with the same architecture
    input_shape: tuple   # fixed input of the check
    missing_ok: tuple    # training-only parameters absent from an inference model


RELEASES = (
    Release("ppocrv3_det", "ch_PP-OCRv3_det_infer.onnx", "configs/det/ppocrv3_det_student.yml",
            (1, 3, 320, 320), ("head.thresh.*",)),
    Release("ppocrv3_rec", "ch_PP-OCRv3_rec_infer.onnx", "configs/rec/ppocrv3_rec.yml",
            (2, 3, 48, 320), ("head.sar_head.*",)),
    Release("ppocrv3_cls", "ch_ppocr_mobile_v2.0_cls_infer.onnx", "configs/cls/ppocrv3_cls.yml",
            (2, 3, 48, 192), ()),
)
DICT_NAME = "ppocr_keys_v1.txt"


def _import(release: Release, onnx_path: str, out_dir: str):
    """(state dict, resolved config) of one release."""
    from ppocr.config import load_config

    overrides = [f"Global.pretrained_model={out_dir}"]
    if release.name == "ppocrv3_det":
        from ppocr.pretrained.det_import import import_det_onnx

        state = import_det_onnx(onnx_path).state_dict
    elif release.name == "ppocrv3_cls":
        from ppocr.pretrained.cls_import import import_cls_onnx

        state = import_cls_onnx(onnx_path).state_dict
    else:
        from ppocr.pretrained.rec_import import import_rec_onnx

        imported = import_rec_onnx(onnx_path)
        state = imported.state_dict
        os.makedirs(out_dir, exist_ok=True)
        atomic_write_text(os.path.join(out_dir, DICT_NAME), "\n".join(imported.characters) + "\n")
        overrides.append(f"Global.character_dict_path={os.path.join(out_dir, DICT_NAME)}")
    return state, load_config(release.config, overrides)


def _check(release: Release, cfg, state: dict, onnx_path: str) -> float:
    """Max abs difference between our model and onnxruntime on a fixed input."""
    import onnxruntime as ort
    import paddle

    from ppocr.engine.builder import build_charset, build_model

    model = build_model(cfg, build_charset(cfg))
    sd = model.state_dict()
    for key, value in state.items():
        sd[key].set_value(value.astype("float32"))
    model.eval()
    x = np.random.default_rng(0).standard_normal(release.input_shape).astype("float32")
    with paddle.no_grad():
        ours = model({"image": paddle.to_tensor(x)})[model.export_key].numpy()
    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    theirs = session.run(None, {session.get_inputs()[0].name: x})[0]
    if ours.shape != theirs.shape:
        raise CheckpointError(f"{release.name}: output shape {ours.shape} differs from onnxruntime's "
                              f"{theirs.shape}")
    return float(np.abs(ours - theirs).max())


def import_release(release: Release, out_root: str | None = None, cache: str | None = fetch.DEFAULT_CACHE,
                   force: bool = False) -> dict:
    """Import one release into ``out_root/<name>`` (default: ppocr.utils.paths.pretrained_root());
    returns its state.json content."""
    import paddle

    from ppocr.engine.checkpoint import read_state

    out_root = str(pretrained_root()) if out_root is None else out_root
    onnx_path = fetch.checked_path(release.onnx, cache)  # its sha256 pinned, checked before import
    digest = fetch.RELEASED[release.onnx][1]
    out_dir = os.path.join(out_root, release.name)
    source = {"wheel": fetch.WHEEL, "file": release.onnx, "bytes": os.path.getsize(onnx_path)}
    if not force and os.path.isfile(os.path.join(out_dir, "model.pdparams")) and \
            os.path.isfile(os.path.join(out_dir, "state.json")):
        state = read_state(out_dir)
        if state.get("source") == source and state.get("max_abs_diff", 1.0) <= TOLERANCE:
            return _keep_onnx(out_dir, onnx_path, digest, state)
    tmp = out_dir.rstrip("/") + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    weights, cfg = _import(release, onnx_path, tmp)
    diff = _check(release, cfg, weights, onnx_path)
    if diff > TOLERANCE:
        shutil.rmtree(tmp, ignore_errors=True)
        raise CheckpointError(f"{release.name}: our model differs from onnxruntime by {diff:.3g} "
                              f"(> {TOLERANCE}) on the fixed check input; nothing written")
    os.makedirs(tmp, exist_ok=True)
    paddle.save({k: paddle.to_tensor(v) for k, v in weights.items()}, os.path.join(tmp, "model.pdparams"))
    final_cfg = copy.deepcopy(cfg.to_dict())
    final_cfg["Global"]["pretrained_model"] = out_dir
    if release.name == "ppocrv3_rec":
        final_cfg["Global"]["character_dict_path"] = os.path.join(out_dir, DICT_NAME)
    import yaml

    atomic_write_text(os.path.join(tmp, "config.yml"), yaml.safe_dump(final_cfg, sort_keys=False,
                                                                       allow_unicode=True))
    state = {"source": source, "max_abs_diff": diff, "tensors": len(weights),
             "missing_ok": list(release.missing_ok)}
    state = _keep_onnx(tmp, onnx_path, digest, state)
    from ppocr.utils.io import replace_dir

    replace_dir(tmp, out_dir)
    get_logger().info(f"{release.name}: {len(weights)} tensors from {release.onnx}, max abs difference to "
                      f"onnxruntime {diff:.2e} -> {out_dir}")
    return state


def _keep_onnx(out_dir: str, onnx_path: str, digest: str, state: dict) -> dict:
    """Copy the released ONNX file (``digest``: its pinned sha256, which fetch.checked_path has
    checked) into ``out_dir`` as inference.onnx unless an identical copy is there; record the
    digest in state.json."""
    target = os.path.join(out_dir, RELEASED_ONNX)
    if state.get("onnx") == {"file": RELEASED_ONNX, "sha256": digest} and os.path.isfile(target) \
            and file_sha256(target) == digest:
        return state
    with atomic_path(target) as tmp:
        shutil.copyfile(onnx_path, tmp)
    state = {**state, "onnx": {"file": RELEASED_ONNX, "sha256": digest}}
    atomic_write_json(os.path.join(out_dir, "state.json"), state)
    return state


def import_all(out_root: str | None = None, cache: str | None = fetch.DEFAULT_CACHE, force: bool = False) -> dict:
    fetch.fetch_release(cache)
    return {r.name: import_release(r, out_root, cache, force) for r in RELEASES}

"""Convert an exported Paddle Inference model (inference.json + .pdiparams) to ONNX with paddle2onnx.

Two things paddle2onnx 2.1.0 does that we do not want, worked around here:
- Paddle 3.3 stores the ``scale`` of the interpolation ops (the FPN's nearest up-sampling in every
  detector) as 64-bit floats; paddle2onnx's parser accepts 32-bit floats only and fails on the
  detector. The conversion therefore reads a copy of the program with those values relabelled as
  32-bit (the values, 2.0/4.0/8.0, are exact in both); the Paddle model itself is untouched.
- Its default post-pass (Polygraphy constant folding) switches on Polygraphy's automatic
  ``pip install`` of missing packages. We take the converted bytes instead and fold the constant
  sub-graphs (shape arithmetic) with ONNX GraphSurgeon directly, when it is installed (pinned in
  requirements.txt; without it the model is written unfolded, which onnxruntime folds at load
  time), then check the model and write it atomically.
"""

from __future__ import annotations

import json
import os
import tempfile

from ppocr.errors import ExportError
from ppocr.utils.io import atomic_path

INTERP_OPS = ("1.nearest_interp", "1.bilinear_interp", "1.linear_interp", "1.bicubic_interp",
              "1.trilinear_interp")


def require_paddle2onnx():
    try:
        import paddle2onnx
    except ImportError as e:
        raise ExportError("--onnx needs paddle2onnx (pinned in requirements.txt: pip install "
                          "paddle2onnx==2.1.0 onnx), which is not installed in this environment") from e
    return paddle2onnx


def float32_interp_scales(program: dict) -> int:
    """Relabel the 64-bit ``scale`` values of interpolation ops as 32-bit, in place; returns how many."""
    count = 0

    def walk(node) -> None:
        nonlocal count
        if isinstance(node, dict):
            if node.get("#") in INTERP_OPS:
                for attr in node.get("A", []):
                    if attr.get("N") == "scale" and attr.get("AT", {}).get("#") == "0.a_array":
                        for value in attr["AT"]["D"]:
                            if value.get("#") == "0.a_f64":
                                value["#"] = "0.a_f32"
                                count += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(program)
    return count


def fold_constants(model):
    """The model with constant sub-graphs computed and unused nodes and initializers removed."""
    try:
        import onnx_graphsurgeon as gs
    except ImportError:
        return model
    graph = gs.import_onnx(model)
    graph.fold_constants().cleanup()
    folded = gs.export_onnx(graph)
    del folded.opset_import[:]
    folded.opset_import.extend(model.opset_import)
    folded.ir_version = model.ir_version
    return folded


def export_onnx(out_dir: str, opset: int = 14) -> str:
    """``out_dir/inference.{json,pdiparams}`` -> ``out_dir/inference.onnx``; returns its path."""
    paddle2onnx = require_paddle2onnx()
    import onnx

    json_path = os.path.join(out_dir, "inference.json")
    params = os.path.join(out_dir, "inference.pdiparams")
    with open(json_path, encoding="utf-8") as f:
        program = json.load(f)
    float32_interp_scales(program)
    with tempfile.TemporaryDirectory(prefix="ppocr_onnx_") as tmp:
        patched = os.path.join(tmp, "inference.json")
        with open(patched, "w", encoding="utf-8") as f:
            json.dump(program, f)
        try:
            data = paddle2onnx.export(patched, params, None, opset_version=opset, enable_onnx_checker=True)
        except Exception as e:  # paddle2onnx logs the op at fault, then fails on its own unbound result
            raise ExportError(f"{out_dir}: paddle2onnx could not convert the model (see its log above: "
                              f"usually an op it does not support)") from e
    if not isinstance(data, bytes) or not data:
        raise ExportError(f"{out_dir}: paddle2onnx returned no model (see its log above)")
    model = fold_constants(onnx.load_model_from_string(data))
    onnx.checker.check_model(model)
    path = os.path.join(out_dir, "inference.onnx")
    with atomic_path(path) as tmp_path:
        onnx.save(model, tmp_path)
    return path

#!/usr/bin/env bash
# GPU readiness check, at most ~8 minutes on one GPU: det student, det CML, rec and UDML train
# 30 steps each with AMP off, O1 and O2 (samples/s, peak GPU memory, finite losses, AMP's mean
# loss within 5% of float32's), then the OCR system on the GPU. Run from the checkout after
# `make install` (with paddlepaddle-gpu) and `make pretrained`:
#   bash bench/gpu_check.sh [--steps N] [--only det_student rec ...]
# On a machine without a GPU it says so and exits 2 (nothing checked).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
else
  echo "gpu_check: nvidia-smi not found"
fi
exec timeout 480 "$PY" bench/gpu_check.py "$@"

#!/usr/bin/env bash
# Issue-3 accuracy run: the PP-OCRv3 det student from scratch on generated pages, on this CPU.
#   bash bench/det_student_from_scratch.sh [-o KEY=VALUE ...]   (output/bench/det_student_cpu/, eval curve)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
[ -f train_data/det_cpu/train/label.txt ] || $PY tools/synth_data.py det --out train_data/det_cpu/train --num 2000 --seed 21 --height 480 --width 480 --style mixed
[ -f train_data/det_cpu/eval/label.txt ] || $PY tools/synth_data.py det --out train_data/det_cpu/eval --num 100 --seed 22 --height 480 --width 480 --style mixed
start=$(date +%s)
$PY tools/train.py -c bench/configs/det_student_cpu.yml "$@"
echo "wall seconds: $(( $(date +%s) - start ))"
grep '"kind": "eval"' output/bench/det_student_cpu/log.jsonl

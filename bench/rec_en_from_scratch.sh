#!/usr/bin/env bash
# Issue-4 accuracy run: the English recogniser from scratch on generated lines, on this CPU.
#   bash bench/rec_en_from_scratch.sh      (writes output/bench/rec_en_cpu/, prints the eval curve)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
[ -f train_data/rec_en/train/label.txt ] || $PY tools/synth_data.py rec --out train_data/rec_en/train --num 20000 --seed 11 --style clean --min_len 3 --max_len 10
[ -f train_data/rec_en/eval/label.txt ] || $PY tools/synth_data.py rec --out train_data/rec_en/eval --num 500 --seed 12 --style clean --min_len 3 --max_len 10
start=$(date +%s)
$PY tools/train.py -c bench/configs/rec_en_cpu.yml "$@"
echo "wall seconds: $(( $(date +%s) - start ))"
grep '"kind": "eval"' output/bench/rec_en_cpu/log.jsonl

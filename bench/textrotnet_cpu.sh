#!/usr/bin/env bash
# Issue-6 accuracy run: TextRotNet rotation accuracy on generated text lines (their labels unused),
# on this CPU; target: acc > 0.9 within 15 minutes.
#   bash bench/textrotnet_cpu.sh      (writes output/bench/textrotnet_cpu/, prints the eval curve)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
[ -d train_data/ssl_cpu_clean/train/images ] || $PY tools/synth_data.py rec --out train_data/ssl_cpu_clean/train --num 4000 --seed 21 --style clean --min_len 3 --max_len 8
[ -d train_data/ssl_cpu_clean/eval/images ] || $PY tools/synth_data.py rec --out train_data/ssl_cpu_clean/eval --num 100 --seed 22 --style clean --min_len 3 --max_len 8
start=$(date +%s)
$PY tools/train.py -c bench/configs/textrotnet_cpu.yml "$@"
echo "wall seconds: $(( $(date +%s) - start ))"
grep '"kind": "eval"' output/bench/textrotnet_cpu/log.jsonl

#!/usr/bin/env bash
# Issue-6 accuracy run: TextRotNet rotation accuracy on generated text lines (their labels unused),
# on this CPU; target: acc > 0.9 within 15 minutes.
#   bash bench/textrotnet_cpu.sh           from scratch (writes output/bench/textrotnet_cpu/)
#   bash bench/textrotnet_cpu.sh from_rec  continued from the released recogniser's backbone
#       (`make pretrained` first; 48x128 inputs, lr 0.001, 300 steps; output/bench/textrotnet_from_rec/)
# Extra arguments go to tools/train.py (e.g. -o Global.max_iters=1000).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
[ -d train_data/ssl_cpu_clean/train/images ] || $PY tools/synth_data.py rec --out train_data/ssl_cpu_clean/train --num 4000 --seed 21 --style clean --min_len 3 --max_len 8
[ -d train_data/ssl_cpu_clean/eval/images ] || $PY tools/synth_data.py rec --out train_data/ssl_cpu_clean/eval --num 100 --seed 22 --style clean --min_len 3 --max_len 8
out=output/bench/textrotnet_cpu
args=()
if [ "${1:-}" = from_rec ]; then
    shift
    out=output/bench/textrotnet_from_rec
    args=(-o "Global.save_model_dir=$out" Global.pretrained_model=pretrained/ppocrv3_rec
          'Global.allow_mismatch=["head.*"]' Global.max_iters=300 'Global.eval_batch_step=[0,50]'
          Optimizer.lr.learning_rate=0.001
          'Train.dataset.transforms.SSLRotateResize.image_shape=[3,48,128]'
          'Eval.dataset.transforms.SSLRotateResize.image_shape=[3,48,128]')
fi
start=$(date +%s)
$PY tools/train.py -c bench/configs/textrotnet_cpu.yml "${args[@]}" "$@"
echo "wall seconds: $(( $(date +%s) - start ))"
grep '"kind": "eval"' $out/log.jsonl

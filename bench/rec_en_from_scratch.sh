#!/usr/bin/env bash
# Issue-4 accuracy run: the English recogniser (SVTR_LCNet + GTC) from scratch on generated lines, on
# this CPU (bench/configs/rec_en_cpu.yml), then its eval curve.
#   bash bench/rec_en_from_scratch.sh [-o KEY=VALUE ...]       printable ASCII, DejaVu fonts, clean style
#   bash bench/rec_en_from_scratch.sh easy [-o KEY=VALUE ...]  a-z, 0-9 and space in DejaVu Sans only
# Writes output/bench/rec_en_cpu[_easy]/; figures are in docs/experiments.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
name=rec_en; data_args=()
if [ "${1:-}" = easy ]; then
  shift
  name=rec_en_easy
  font=$($PY -c "import matplotlib, os; print(os.path.join(matplotlib.get_data_path(), 'fonts/ttf/DejaVuSans.ttf'))")
  data_args=(--chars "abcdefghijklmnopqrstuvwxyz0123456789 " --font "$font")
fi
gen() {  # folder count seed
  [ -f "train_data/$name/$1/label.txt" ] || $PY tools/synth_data.py rec --out "train_data/$name/$1" --num "$2" \
    --seed "$3" --style clean --min_len 3 --max_len 10 "${data_args[@]}"
}
gen train 20000 11
gen eval 500 12
out=output/bench/${name/rec_en/rec_en_cpu}
start=$(date +%s)
$PY tools/train.py -c bench/configs/rec_en_cpu.yml -o Global.save_model_dir="$out" \
  Train.dataset.data_dir="train_data/$name/train" "Train.dataset.label_file_list=[train_data/$name/train/label.txt]" \
  Eval.dataset.data_dir="train_data/$name/eval" "Eval.dataset.label_file_list=[train_data/$name/eval/label.txt]" "$@"
echo "wall seconds: $(( $(date +%s) - start ))"
grep '"kind": "eval"' "$out/log.jsonl"

#!/usr/bin/env bash
# Issue-6 evidence (docs/experiments.md): the recogniser on generated words, same budget each,
#   scratch  (a) from scratch on a small labelled set
#   rotnet   (b) from the TextRotNet backbone of bench/textrotnet_cpu.sh, same labelled set
#   uim      (c) from scratch on the labelled set + UIM pseudo-labels of the released PP-OCRv3
#                recogniser over an unlabelled pool (needs `make pretrained`)
#   bash bench/textrotnet_uim_compare.sh [scratch|rotnet|uim ...]     (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
D=train_data/textrotnet_uim
O=output/bench/textrotnet_uim
CFG=bench/configs/textrotnet_uim_rec_cpu.yml
CHARS=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789
gen() { [ -f "$D/$1/label.txt" ] || $PY tools/synth_data.py rec --out "$D/$1" --num "$2" --seed "$3" --style clean --min_len 3 --max_len 6 --chars "$CHARS"; }
gen labelled 300 31
gen unlabelled 1500 32   # its label.txt is used only to score the pseudo-labels, never for training
gen eval 200 33
timed() { local s; s=$(date +%s); "$@"; echo "wall seconds: $(( $(date +%s) - s ))"; }
curve() { grep '"kind": "eval"' "$1/log.jsonl" | $PY -c 'import sys, json; [print(r["step"], round(r["acc"], 4), round(r["norm_edit_dis"], 4)) for r in map(json.loads, sys.stdin)]'; }

for run in "${@:-scratch rotnet uim}"; do for r in $run; do case $r in
  scratch)
    timed $PY tools/train.py -c $CFG -o Global.save_model_dir=$O/scratch
    curve $O/scratch ;;
  rotnet)
    ROT=${ROTNET:-output/bench/textrotnet_cpu/best_accuracy}
    timed $PY tools/train.py -c $CFG -o Global.save_model_dir=$O/rotnet Global.pretrained_model=$ROT \
      'Global.allow_mismatch=["head.*"]'
    curve $O/rotnet ;;
  uim)
    timed $PY tools/uim.py --image_dir $D/unlabelled/images --output $D/uim/pseudo.txt --min_score 0.9 \
      --charset ppocr/utils/dict/en_dict.txt
    $PY - "$D" <<'PY'
import json, os, sys
d = sys.argv[1]
truth = {os.path.abspath(os.path.join(d, "unlabelled", p)): t for p, t in
         (l.rstrip("\n").split("\t") for l in open(os.path.join(d, "unlabelled", "label.txt"), encoding="utf-8"))}
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(d, "uim", "pseudo.txt"), encoding="utf-8")]
right = sum(truth[p] == t for p, t in rows)
print(f"pseudo-labels: {len(rows)} of {len(truth)} kept, {right} ({right / max(len(rows), 1):.1%}) equal to the hidden truth")
PY
    timed $PY tools/train.py -c $CFG -o Global.save_model_dir=$O/uim \
      "Train.dataset.label_file_list=[$D/labelled/label.txt,$D/uim/pseudo.txt]" 'Train.dataset.ratio_list=[1.0,1.0]'
    curve $O/uim ;;
  *) echo "unknown run $r (scratch, rotnet, uim)"; exit 2 ;;
esac; done; done

#!/usr/bin/env bash
# Training speed with opt-in options, PaddleOCR 2.7 (peer) vs ppocr (ours + options), interleaved,
# on the peer harness (../shared/bench/peer: same data, batch, crop and step timing as pair.sh).
#   WORK_DIR=/work/scratch/peer bash bench/fast_options.sh PAIR REPS [KEY=VALUE ...]
#   e.g. bash bench/fast_options.sh rec 3 Global.to_static=true
# ALSO="KEY=VALUE ..." adds a second option set (runs named opt2) to each repetition.
# PAIR: det_student or rec. Each repetition runs peer, ours (plain) and ours + the options; the last
# line is JSON: median s/iter of each and the ratios peer/ours (> 1: ours faster); it is also appended
# to $WORK_DIR/fast_options.jsonl (FAST_JSONL=FILE for another file), which bench/report.py reads.
set -euo pipefail
HARNESS=${HARNESS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/../shared/bench/peer}
. "$HARNESS/env.sh"
need_setup
PAIR=${1:?usage: fast_options.sh det_student|rec REPS [KEY=VALUE ...]}
REPS=${2:-3}
shift 2 || true
OPTS=("$@")
TAG=${TAG:-fast}
COMMON=(Global.use_gpu=false Global.print_batch_step=1 Global.epoch_num=1 "Global.eval_batch_step=[100000,100000]"
        Global.save_epoch_step=100000 Global.use_visualdl=false)
case $PAIR in
  det_student) pcfg=$CFG/peer_det_student_640.yml ocfg=configs/det/ppocrv3_det_student.yml d=$DATA/det
               tl=label_36.txt el=label_2.txt bs=4 extra=(); oextra=(Train.dataset.transforms.EastRandomCropData.size=[640,640]) ;;
  rec)         pcfg=configs/rec/PP-OCRv3/en_PP-OCRv3_rec.yml ocfg=configs/rec/ppocrv3_rec_en.yml d=$DATA/rec
               tl=label_240.txt el=label_4.txt bs=16 extra=("Global.character_dict_path=$EN_DICT") oextra=() ;;
  *) echo "unknown pair '$PAIR': det_student rec" >&2; exit 2 ;;
esac
O=("${COMMON[@]}" "Train.dataset.data_dir=$d" "Train.dataset.label_file_list=[$d/$tl]"
   "Train.loader.batch_size_per_card=$bs" Train.loader.num_workers=0 "Eval.dataset.data_dir=$d"
   "Eval.dataset.label_file_list=[$d/$el]" Eval.loader.num_workers=0 "${extra[@]}")
run_one() {  # NAME SYSTEM [OURS OVERRIDES...]
  local name=$1 sys=$2; shift 2
  rm -rf "${WORK_DIR:?}/out/${name:?}" "${RUNS:?}/${name:?}"
  if [ "$sys" = peer ]; then
    "$OPY" "$HERE/stamp.py" run "$RUNS" "$name" "$PEER" -- "$PPY" tools/train.py -c "$pcfg" \
      -o "${O[@]}" Global.pretrained_model= "Global.save_model_dir=$WORK_DIR/out/$name" || true
  else
    "$OPY" "$HERE/stamp.py" run "$RUNS" "$name" "$PROJECT" -- "$OPY" tools/train.py -c "$ocfg" \
      -o "${O[@]}" "${oextra[@]}" "$@" "Global.save_model_dir=$WORK_DIR/out/$name" || true
  fi
  rm -rf "$WORK_DIR/out/$name"
}
for r in $(seq 1 "$REPS"); do
  run_one "${TAG}_${PAIR}_peer_$r" peer
  run_one "${TAG}_${PAIR}_ours_$r" ours
  run_one "${TAG}_${PAIR}_opt_$r" ours "${OPTS[@]}"
  # shellcheck disable=SC2086
  if [ -n "${ALSO:-}" ]; then run_one "${TAG}_${PAIR}_opt2_$r" ours ${ALSO}; fi
done
uptime
"$OPY" - "$RUNS" "${TAG}_${PAIR}" "$REPS" "${OPTS[*]}" "${ALSO:-}" "${FAST_JSONL:-$WORK_DIR/fast_options.jsonl}" <<'PY'
import json, re, statistics, sys
runs, prefix, reps, opts, also, jsonl = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
step = re.compile(r"global_step: (\d+),.*?avg_batch_cost: ")
def s_per_iter(name, skip=3):  # as the harness's stamp.py: (t[last] - t[step 3]) / (last - 3)
    pts = {}
    for line in open(f"{runs}/{name}/stamped.log", errors="replace"):
        m = step.search(line)
        if m:
            pts[int(m.group(1))] = float(line.split("\t", 1)[0])
    last = max(pts) if pts else 0
    return (pts[last] - pts[skip]) / (last - skip) if last > skip and skip in pts else None
def load(name):  # the 1-minute load average when the run started (stamp.py's meta.json)
    try:
        return json.load(open(f"{runs}/{name}/meta.json"))["load_at_start"]
    except (OSError, ValueError, KeyError):
        return None
res, loads = {}, {}
for sysname in ("peer", "ours", "opt") + (("opt2",) if also else ()):
    vals = [v for v in (s_per_iter(f"{prefix}_{sysname}_{r}") for r in range(1, reps + 1)) if v]
    res[sysname] = [round(v, 3) for v in vals]
    loads[sysname] = [load(f"{prefix}_{sysname}_{r}") for r in range(1, reps + 1)]
med = {k: statistics.median(v) if v else None for k, v in res.items()}
out = {"bench": "fast_options", "pair": prefix, "options": opts, "options2": also, "runs": res,
       "median_s_per_iter": {k: v and round(v, 3) for k, v in med.items()}, "load_at_start": loads}
if med["peer"] and med["ours"] and med["opt"]:
    out["peer_over_ours"] = round(med["peer"] / med["ours"], 3)
    out["peer_over_ours_with_options"] = round(med["peer"] / med["opt"], 3)
    if med.get("opt2"):
        out["peer_over_ours_with_options2"] = round(med["peer"] / med["opt2"], 3)
print(json.dumps(out))
with open(jsonl, "a") as f:
    f.write(json.dumps(out) + "\n")
PY

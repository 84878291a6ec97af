#!/usr/bin/env bash
# Scale-out figures on one machine: mantis score with 1 and 2 MPI ranks (1 libtorch thread per
# rank, 1 input worker), wall time of the whole command (start-up included), the speed-up, and Allreduce bandwidth for gradient-sized buffers. Writes JSON.
# Usage: bench/scale.sh [--json FILE] [--model CKPT] [--data SHARDS] [--split train]
# Defaults use the demo's outputs (./build.sh --target=Demo). Needs MPICH (build.sh installs it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JSON="" MODEL="$ROOT/demo/run/best.ckpt" DATA="$ROOT/demo/shards" SPLIT="train"
while [ $# -gt 0 ]; do
  case "$1" in
    --json) JSON="$2"; shift 2 ;;
    --model) MODEL="$2"; shift 2 ;;
    --data) DATA="$2"; shift 2 ;;
    --split) SPLIT="$2"; shift 2 ;;
    *) echo "scale.sh: unknown option $1" >&2; exit 1 ;;
  esac
done
MPIEXEC="$(command -v mpiexec.mpich || command -v mpiexec || true)"
[ -n "$MPIEXEC" ] || { echo "scale.sh: no mpiexec (apt-get install mpich)" >&2; exit 1; }
[ -f "$MODEL" ] || { echo "scale.sh: $MODEL not found (run ./build.sh --target=Demo first)" >&2; exit 1; }
"$ROOT/mantis" --help >/dev/null   # build once before the ranks start
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

run_score() { # ranks split bind → seconds (best of 2)
  local best="" t0 t1 t bind=()
  [ "$3" = bound ] && bind=(-bind-to core)
  for _ in 1 2; do
    rm -f "$TMP"/s.csv*
    t0=$(date +%s.%N)
    "$MPIEXEC" "${bind[@]}" -n "$1" "$ROOT/mantis" score --model "$MODEL" --data "$DATA" --split "$2" --out "$TMP/s.csv" --threads 1 -q >/dev/null 2>"$TMP/err" \
      || { cat "$TMP/err" >&2; exit 1; }
    t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}
rows() { "$ROOT/mantis" score --model "$MODEL" --data "$DATA" --split "$1" --out "$TMP/n.csv" --threads 1 -q >/dev/null; echo $(($(wc -l < "$TMP/n.csv") - 1)); }
ROWS=$(rows "$SPLIT")
ROWS_VAL=$(rows val)
U1=$(run_score 1 "$SPLIT" free); U2=$(run_score 2 "$SPLIT" free)      # ranks free to use every core
B1=$(run_score 1 "$SPLIT" bound); B2=$(run_score 2 "$SPLIT" bound)    # one core per rank (-bind-to core)
BV=$(run_score 1 val bound)                                           # for the fixed start-up cost per rank
PER=$(echo "($B1 - $BV) / ($ROWS - $ROWS_VAL)" | bc -l)
FIXED=$(echo "$BV - $ROWS_VAL * $PER" | bc -l)
"$MPIEXEC" -n 2 "$ROOT/mantis" bench allreduce --json "$TMP/allreduce.json" >/dev/null 2>"$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
f() { printf '%.3f' "$(echo "$1" | bc -l)"; }
OUT=$(cat <<JSON
{
  "galaxies": $ROWS,
  "score_seconds_1_rank": $(f "$U1"),
  "score_seconds_2_ranks": $(f "$U2"),
  "speedup_2_ranks": $(f "$U1 / $U2"),
  "score_seconds_1_rank_1_core": $(f "$B1"),
  "score_seconds_2_ranks_1_core_each": $(f "$B2"),
  "speedup_2_ranks_1_core_each": $(f "$B1 / $B2"),
  "galaxies_per_s_per_core": $(f "1 / $PER"),
  "startup_seconds_per_rank": $(f "$FIXED"),
  "threads_per_rank": "1 libtorch thread, 1 input worker",
  "machine": "$(getconf _NPROCESSORS_ONLN) cores, $(uname -sr)",
  "allreduce": $(cat "$TMP/allreduce.json")
}
JSON
)
echo "$OUT"
[ -z "$JSON" ] || echo "$OUT" > "$JSON"

#!/usr/bin/env bash
# Byte-identity check for refactors: run one small pipeline into a folder with a build of the tree, then compare two
# such folders file by file (sha256). A refactor that must not change behaviour produces the same hashes.
#
#   bench/identity-check.sh run OUT_DIR       simulate → ingest → train (1 epoch × 5 batches) → score --pdf (.csv and
#                                             .parquet) → evaluate --bootstrap 50 --table → shapley --count 20 →
#                                             predict --positions, into OUT_DIR
#   bench/identity-check.sh compare A B       sha256 of every output in A and B; exit 1 on any difference
#
# MANTIS overrides the program (default: this tree's ./mantis, which builds it when stale), e.g. to run a build of the
# starting commit: MANTIS="dotnet /tmp/base/src/Host/bin/Release/net10.0/mantis.dll" bench/identity-check.sh run /tmp/before
# Threads are pinned (--threads 2) because libtorch's results depend on the thread count; the device is the CPU.
# Compared: every file the commands write (--timings JSON is not requested; RUN.log, the commands' console output, is
# skipped), with the time and place fields normalised as hashes() says.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MANTIS="${MANTIS:-$ROOT/mantis}"
COUNT="${COUNT:-300}"

run() {
  local out="$1"
  [ -e "$out" ] && { echo "identity-check: $out exists; give a new folder" >&2; exit 2; }
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  local log="$out/RUN.log"
  m() { echo "+ mantis $*" >>"$log"; $MANTIS "$@" >>"$log" 2>&1; }
  m simulate --count "$COUNT" --out "$out/sim" --seed 7 --dust-nside 64 --threads 2 -q
  m ingest --catalog "$out/sim/catalog.csv" --cutouts "$out/sim/cutouts" --out "$out/shards" --seed 7 --threads 2 -q
  m train --data "$out/shards" --out "$out/run" --backbone convnext-demo --head-width 64 --epochs 1 \
    --batches-per-epoch 5 --batch-size 8 --threads 2 --device cpu --seed 7 -q
  m score --model "$out/run/best.ckpt" --data "$out/shards" --split test --out "$out/score.csv" --pdf --threads 2 --device cpu -q
  m score --model "$out/run/best.ckpt" --data "$out/shards" --split test --out "$out/score.parquet" --threads 2 --device cpu -q
  m evaluate --scores "$out/score.csv" --out "$out/eval" --bootstrap 50 --seed 7 --table "$out/eval/metrics.csv"
  m shapley --model "$out/run/best.ckpt" --data "$out/shards" --split test --count 20 --out "$out/shapley.csv" \
    --seed 7 --device cpu --accelerator cpu -q
  # The first five simulated galaxies, as forced-photometry positions over the simulated cutouts and dust maps.
  { echo "name,ra,dec"; awk -F, 'NR==1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
      NR <= 6 { print $c["id"] "," $c["ra"] "," $c["dec"] }' "$out/sim/catalog.csv"; } >"$out/positions.csv"
  m predict --model "$out/run/best.ckpt" --positions "$out/positions.csv" --cutouts "$out/sim/cutouts" \
    --dust "$out/sim/dust" --out "$out/predict.csv" --pdf --device cpu -q
  echo "identity-check: outputs in $out ($(find "$out" -type f | wc -l) files)"
}

# One line per output: its path and the sha256 of its bytes, with four normalisations for what records time or place:
# a checkpoint (a zip whose entry headers carry write times) is hashed entry by entry, and its state.json without the
# "seconds" of each epoch and with the output folder's path replaced by OUT; history.csv without its seconds column;
# metrics.json without its "bootstrap_seconds".
hashes() {
  local root
  root="$(cd "$1" && pwd)"
  (cd "$root" && find . -type f ! -name RUN.log | LC_ALL=C sort | while IFS= read -r f; do
    case "$f" in
      *.ckpt)
        unzip -Z1 "$f" | LC_ALL=C sort | while IFS= read -r e; do
          if [ "$e" = state.json ]; then
            h=$(unzip -p "$f" "$e" | grep -v '"seconds":' | sed "s#$root#OUT#g" | sha256sum | cut -d' ' -f1)
          else
            h=$(unzip -p "$f" "$e" | sha256sum | cut -d' ' -f1)
          fi
          echo "$h  $f:$e"
        done ;;
      */history.csv)
        echo "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds") s = i }
          { out = ""; for (i = 1; i <= NF; i++) if (i != s) out = out (out == "" ? "" : ",") $i; print out }' "$f" \
          | sha256sum | cut -d' ' -f1)  $f" ;;
      */metrics.json) echo "$(grep -v '"bootstrap_seconds":' "$f" | sha256sum | cut -d' ' -f1)  $f" ;;
      *) sha256sum "$f" ;;
    esac
  done)
}

compare() {
  local a="$1" b="$2"
  if diff <(hashes "$a") <(hashes "$b") >/tmp/identity-check.$$.diff; then
    echo "identity-check: identical — $(hashes "$a" | wc -l) files, $(du -sh "$a" | cut -f1)"
    rm -f /tmp/identity-check.$$.diff
  else
    echo "identity-check: DIFFERENT (< $a, > $b):"; cat /tmp/identity-check.$$.diff
    rm -f /tmp/identity-check.$$.diff
    exit 1
  fi
}

case "${1:-}" in
  run) [ $# -eq 2 ] || { echo "usage: $0 run OUT_DIR" >&2; exit 2; }; run "$2" ;;
  compare) [ $# -eq 3 ] || { echo "usage: $0 compare A B" >&2; exit 2; }; compare "$2" "$3" ;;
  *) sed -n '2,15p' "$0" >&2; exit 2 ;;
esac

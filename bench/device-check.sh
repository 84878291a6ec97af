#!/usr/bin/env bash
# One-go GPU check for a session lent a GPU machine (≈ 1–3 minutes there; budget ~8):
#   bench/device-check.sh --publish   (here, with the SDK) self-contained trimmed publish → artifacts/device-check (< 64 MiB)
#   bench/device-check.sh             (there) ILGPU kernels on CUDA vs their CPU references, then libtorch CUDA if present
#   bench/device-check.sh --cpu       the same on ILGPU's CPU accelerator (how it is tested on machines without a GPU)
# Carry artifacts/device-check to the device machine (run's carry), then run this script there.
# Every step that cannot run says so on a line starting "NOT DONE:"; the exit status is 1 only when a kernel disagrees.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=artifacts/device-check
mode=auto; publish=0; quick=""; asked_cpu=0
for a in "$@"; do
  case "$a" in
    --publish) publish=1 ;;
    --cpu) mode=cpu; asked_cpu=1 ;;
    --cuda) mode=cuda ;;
    --quick) quick=--quick ;;
    *) echo "usage: $0 [--publish] [--cpu|--cuda] [--quick]" >&2; exit 2 ;;
  esac
done

if [ "$publish" = 1 ] || [ ! -x "$OUT/device-check" ]; then
  if ! command -v dotnet >/dev/null; then
    echo "NOT DONE: no $OUT/device-check and no dotnet to publish it (run bench/device-check.sh --publish where the SDK is)"; exit 2
  fi
  echo "publishing the kernels and the harness (self-contained, trimmed) → $OUT"
  dotnet publish bench/MantisShrimp.DeviceCheck/MantisShrimp.DeviceCheck.csproj -c Release -r linux-x64 --self-contained \
    -p:PublishTrimmed=true -p:TrimMode=partial -p:SuppressTrimAnalysisWarnings=true -p:InvariantGlobalization=true \
    -o "$OUT" -v quiet -nologo || { echo "NOT DONE: publish failed"; exit 2; }
  echo "published: $(du -sm "$OUT" | cut -f1) MiB"
  [ "$mode" = auto ] && [ "$publish" = 1 ] && [ "$#" -eq 1 ] && exit 0
fi

if [ "$mode" = auto ]; then
  if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then mode=cuda; else mode=cpu
    echo "NOT DONE: CUDA kernels — no NVIDIA GPU visible (nvidia-smi); running on ILGPU's CPU accelerator instead"; fi
fi
[ "$asked_cpu" = 1 ] && echo "NOT DONE: CUDA kernels — --cpu asked for ILGPU's CPU accelerator"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /'

echo "== ILGPU kernels ($mode accelerator) vs CPU references"
"$OUT/device-check" "--$mode" $quick
kernels=$?

echo "== libtorch CUDA"
native=src/Host/bin/Release/net10.0/runtimes/linux-x64/native
if ls "$native"/libtorch_cuda*.so >/dev/null 2>&1; then
  if [ "$mode" = cuda ]; then
    timeout 300 ./mantis info --device cuda && timeout 300 ./mantis bench network --device cuda --batches 4
  else
    echo "NOT DONE: libtorch CUDA — the build has it but no GPU is visible"
  fi
else
  echo "NOT DONE: libtorch CUDA — this build bundles TorchSharp-cpu (no libtorch_cuda in $native); build with ./build.sh --target=Build --torch=cuda where TorchSharp-cuda-linux can be restored"
fi
exit $kernels

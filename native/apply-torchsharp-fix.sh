#!/usr/bin/env bash
# Makes TorchSharp 0.107.0's libLibTorchSharp.so loadable on a system whose
# libstdc++ predates GCC 13 (Debian 12). Applied by the build (Directory.Build.targets)
# to every copy a program loads, i.e. each output folder; never to the NuGet cache.
#
#   apply-torchsharp-fix.sh DIR   patch every libLibTorchSharp.so below DIR
#
# What it does, per file, idempotently:
#   1. skip everything if the system libstdc++ already provides GLIBCXX_3.4.32;
#   2. build native/build/libmantis_iosinit.so (std::ios_base_library_init) once;
#   3. copy it next to libLibTorchSharp.so (its RUNPATH has $ORIGIN);
#   4. patchelf --clear-symbol-version _ZSt21ios_base_library_initv;
#   5. mark the GLIBCXX_3.4.32 version requirement weak (elf_weaken_verneed);
#   6. patchelf --add-needed libmantis_iosinit.so.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET_DIR="${1:?usage: apply-torchsharp-fix.sh DIR}"
SYMBOL=_ZSt21ios_base_library_initv
VERSION=GLIBCXX_3.4.32
SHIM=libmantis_iosinit.so
BUILD="$HERE/build"

[ "$(uname -s)" = Linux ] || exit 0

mapfile -t LIBS < <(find "$TARGET_DIR" -name libLibTorchSharp.so -type f 2>/dev/null)
[ "${#LIBS[@]}" -gt 0 ] || exit 0

system_libstdcxx() {
  # The libstdc++ the loader would pick for a plain process.
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64|libstdc\+\+\.so\.6 .*AArch64/ {print $NF; exit}'
}
LIBSTDCXX="$(system_libstdcxx)"
if [ -n "$LIBSTDCXX" ] && grep -qa "$VERSION" "$LIBSTDCXX"; then
  exit 0  # a GCC 13+ libstdc++: TorchSharp loads as shipped
fi

need() {
  command -v "$1" >/dev/null 2>&1 || {
    echo "apply-torchsharp-fix: '$1' is required to make TorchSharp load on this system" \
         "(libstdc++ lacks $VERSION). Run ./build.sh once, or: apt-get install -y patchelf g++" >&2
    exit 1
  }
}
need patchelf; need g++; need gcc

mkdir -p "$BUILD"
# Build tools once; rebuild when the sources change. Writes go through a temp
# file + rename so parallel builds of several projects never see half a file.
build_if_stale() { # out src cmd...
  local out="$1" src="$2"; shift 2
  if [ ! -f "$out" ] || [ "$src" -nt "$out" ]; then
    local tmp; tmp="$(mktemp "$out.XXXXXX")"
    "$@" -o "$tmp" "$src"
    mv -f "$tmp" "$out"
  fi
}
build_if_stale "$BUILD/$SHIM" "$HERE/ios_base_library_init.cpp" g++ -O2 -shared -fPIC -Wl,-soname,$SHIM
build_if_stale "$BUILD/elf_weaken_verneed" "$HERE/elf_weaken_verneed.c" gcc -O2 -Wall

# One patcher at a time per target folder (parallel project builds share none,
# but a test run and a build might).
exec 9>"$BUILD/.lock"
flock 9

for LIB in "${LIBS[@]}"; do
  DIR="$(dirname "$LIB")"
  cmp -s "$BUILD/$SHIM" "$DIR/$SHIM" || cp -f "$BUILD/$SHIM" "$DIR/$SHIM"
  if patchelf --print-needed "$LIB" | grep -qx "$SHIM"; then
    continue  # already patched
  fi
  TMP="$(mktemp "$LIB.XXXXXX")"
  cp -f "$LIB" "$TMP"
  patchelf --clear-symbol-version "$SYMBOL" "$TMP"
  rc=0; "$BUILD/elf_weaken_verneed" "$TMP" "$VERSION" >/dev/null || rc=$?
  case $rc in 0|3|4) ;; *) echo "apply-torchsharp-fix: could not weaken $VERSION in $LIB" >&2; rm -f "$TMP"; exit 1;; esac
  patchelf --add-needed "$SHIM" "$TMP"
  chmod --reference="$LIB" "$TMP"
  mv -f "$TMP" "$LIB"
  echo "apply-torchsharp-fix: patched $LIB"
done

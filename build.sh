#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine with the .NET 10 SDK: installs the system packages the
# build needs (patchelf and a C/C++ compiler for the TorchSharp native fix), restores the local dotnet
# tools (Cake), then runs build.cake with the given arguments, e.g. ./build.sh --target=Test
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

APT_PACKAGES=(patchelf g++ gcc fitsverify mpich bc chromium fonts-liberation)
# The trusted peers the conformance suite (tests/MantisShrimp.Conformance.Tests) compares the engine with,
# for the system interpreter /usr/bin/python3.
APT_PACKAGES+=(python3-numpy python3-scipy python3-astropy python3-healpy python3-sep python3-torch python3-torchvision python3-opencv)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "build.sh: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet tool restore >/dev/null
exec dotnet cake build.cake "$@"

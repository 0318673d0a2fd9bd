#!/usr/bin/env bash
# Installs what smedx needs to build and test on a Debian machine. Safe to run again: it asks
# apt only for what is missing, and does nothing when everything is there.
set -euo pipefail

packages=(g++ libyaml-cpp-dev libfmt-dev doctest-dev libcli11-dev
          libsimdjson-dev libeigen3-dev clang-format
          libcpp-httplib-dev pkg-config  # smedx serve (brings the libssl, zlib, brotli headers)
          chromium fonts-noto-cjk  # the pilot dashboard check renders HTML headless
          poppler-utils  # pdfinfo, pdftotext: the pilot pages print to A4 (checked)
          # clang for the clang, clang-libcxx, tsan and fuzz presets: sanitizer runtimes,
          # libFuzzer and libc++ are separate packages on Debian.
          clang libclang-rt-14-dev libfuzzer-14-dev libc++-dev libc++abi-dev)
command -v cmake >/dev/null 2>&1 || packages+=(cmake)
command -v ninja >/dev/null 2>&1 || packages+=(ninja-build)
python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# scripts/format.sh lints and formats the Python files with ruff, and scripts/test.sh runs it
# before scripts/python.sh installs the test extra that also names it.
if ! python3 -m ruff --version >/dev/null 2>&1; then
  echo "bootstrap: installing ruff"
  python3 -m pip install --quiet --root-user-action=ignore --disable-pip-version-check "ruff>=0.9"
fi

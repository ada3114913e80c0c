#!/usr/bin/env bash
# setup.sh — installs the Debian packages vmksim needs that are missing (idempotent).
# Runs apt-get as root, or through sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libsystemc-dev libelf-dev zlib1g-dev libgtest-dev liblua5.4-dev libcapstone-dev
  libcjson-dev
  gdb pciutils sg3-utils tshark clang libclang-rt-14-dev   # independent judges + fuzzing
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

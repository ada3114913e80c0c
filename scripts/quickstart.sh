#!/usr/bin/env bash
# quickstart.sh — first Quick start command: set up, build, run the main job on the default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build
build/vmksim lspci -tv
build/vmksim run scenarios/default.lua --out out/default
build/vmksim run scenarios/nic_overhead.lua --out out/nic_overhead
build/vmksim run scenarios/hba_overhead.lua --out out/hba_overhead

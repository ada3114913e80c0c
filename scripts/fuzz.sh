#!/usr/bin/env bash
# fuzz.sh [SECONDS] — builds the libFuzzer targets with clang (build-fuzz/) and runs each for
# SECONDS (default 60). Not part of the test run; findings are written to build-fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
scripts/setup.sh
CC=clang CXX=clang++ scripts/build.sh build-fuzz -DVMKSIM_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug
mkdir -p build-fuzz/findings build-fuzz/corpus/modules build-fuzz/corpus/scenarios
cp build-fuzz/modules/*.so build-fuzz/corpus/modules/ 2>/dev/null || true
cp fuzz/scenario_loader/corpus/* scenarios/*.lua build-fuzz/corpus/scenarios/
build-fuzz/fuzz/module_loader/fuzz_module_loader -max_total_time="$secs" \
  -artifact_prefix=build-fuzz/findings/ build-fuzz/corpus/modules
build-fuzz/fuzz/scenario_loader/fuzz_scenario_loader -max_total_time="$secs" \
  -dict=fuzz/scenario_loader/scenario.dict -artifact_prefix=build-fuzz/findings/ \
  build-fuzz/corpus/scenarios

#!/usr/bin/env bash
# test.sh [--sanitize] — second Quick start command: set up, build and run every test with CTest.
# --sanitize builds the tests with ASan+UBSan in build-asan/ and runs them there.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
dir=build; opts=()
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan; opts=(-DVMKSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  # SystemC threads switch stacks; ASan's fake stacks cannot follow that.
  export ASAN_OPTIONS=detect_stack_use_after_return=0:detect_leaks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
scripts/build.sh "$dir" "${opts[@]}"
cd "$dir"
ctest --output-on-failure -j "$(nproc)" --timeout 300

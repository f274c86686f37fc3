#!/usr/bin/env bash
# Quick start, part two: installs what is missing, builds everything (warnings are errors) and runs the whole test
# suite: unit tests and integration tests that start the real telemetryd on loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
TELEMETRY_CMAKE_ARGS="-DBUILD_TESTING=ON -DTELEMETRY_WERROR=ON" scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600

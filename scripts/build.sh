#!/usr/bin/env bash
# Configures and builds into ./build. Usage: scripts/build.sh [cmake --build arguments, e.g. --target telemetryd]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release ${TELEMETRY_CMAKE_ARGS:-} >/dev/null
cmake --build build -j "$(nproc)" "$@"

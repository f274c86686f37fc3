#!/usr/bin/env bash
# Quick start, part one: installs what is missing, builds, and serves on 0.0.0.0:8080 with the embedded store in
# ./data. Extra arguments go to telemetryd (see build/telemetryd --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --target telemetryd
exec build/telemetryd --data-dir ./data "$@"

#!/usr/bin/env bash
# Quick start, part two: installs what is missing, builds everything (warnings are errors) and runs the whole test
# suite: unit tests and integration tests that start the real telemetryd on loopback ports. Then the same suite
# again under AddressSanitizer + UndefinedBehaviorSanitizer and under ThreadSanitizer (a sanitizer report from the
# server fails the test that started it). Between them, about a minute of fuzzing of the parsers that read the
# network. TELEMETRY_SANITIZERS="" skips the sanitizer passes.
set -euo pipefail
cd "$(dirname "$0")/.."
# Real programs the tests talk to: InfluxDB clients that write, Prometheus and promtool that scrape and lint.
# clang and its runtime build the libFuzzer targets; buildah, podman, runc and debootstrap build and run the image;
# Go and HCL's sources build hclfmt.
scripts/setup.sh influxdb-client python3-influxdb prometheus curl openssl clang libclang-rt-14-dev \
  buildah podman runc containernetworking-plugins debootstrap golang-go golang-github-hashicorp-hcl-v2-dev
scripts/fetch_dynamodb_local.sh >/dev/null
(cd tests/openapi && npm ci --silent)  # the pinned OpenAPI linter and validator (tests/openapi/package.json)
(cd tests/deploy && npm ci --silent)   # the pinned HCL parser and Dockerfile linter (tests/deploy/package.json)
echo "== build and tests [at ${SECONDS} s]"
TELEMETRY_CMAKE_ARGS="-DBUILD_TESTING=ON -DTELEMETRY_WERROR=ON" scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 600)

echo "== fuzzing: the network-facing parsers under libFuzzer, AddressSanitizer and UBSan (tests/fuzz) [at ${SECONDS} s]"
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DTELEMETRY_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "$(nproc)" >build-fuzz/build.log 2>&1 || { tail -50 build-fuzz/build.log; exit 1; }
(cd build-fuzz && ctest --output-on-failure -j "$(nproc)" --timeout 120)

for sanitizers in ${TELEMETRY_SANITIZERS-address,undefined thread}; do
  dir="build-${sanitizers//,/-}"
  echo "== tests under -fsanitize=$sanitizers [at ${SECONDS} s]"
  # Warnings stay warnings here: instrumented code makes g++ report false maybe-uninitialized in Boost's headers.
  # -O1 -g1 (line tables only): reports keep their file:line, and the build is far cheaper than with full -g.
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
    -DBUILD_TESTING=ON -DTELEMETRY_WERROR=OFF -DTELEMETRY_SANITIZE="$sanitizers" >/dev/null
  cmake --build "$dir" -j "$(nproc)" >"$dir/build.log" 2>&1 || { tail -50 "$dir/build.log"; exit 1; }
  (cd "$dir" && ctest --output-on-failure -j "$(nproc)" --timeout 600)
done
echo "== all passed in ${SECONDS} s"

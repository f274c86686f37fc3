#!/usr/bin/env bash
# The two stores side by side in one run: durable PUT throughput (wrk -c CONNECTIONS, fresh key per request) and
# statistics latency, on the embedded store and on AWS's DynamoDB Local; for DynamoDB also its write amplification:
# DynamoDB requests sent per reading stored (telemetryd logs its request count when it stops).
#   bench/dynamodb_vs_sqlite.sh       ROUNDS=3 DURATION=10s CONNECTIONS=64 to change the defaults
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}

scripts/setup.sh wrk
scripts/build.sh --target telemetryd >/dev/null

work=$(mktemp -d)
cleanup() {
  [ -n "${TELEMETRYD_PID:-}" ] && stop_telemetryd
  [ -n "${DYNAMODB_PID:-}" ] && kill "$DYNAMODB_PID" 2>/dev/null && wait "$DYNAMODB_PID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
start_dynamodb_local "$work/dynamodb.log"
table=bench_$$

# store_args STORE: telemetryd's flags for that store.
store_args() {
  if [ "$1" = sqlite ]; then echo "--data-dir $work/data"; else
    echo "--storage dynamodb --table $table --create-table --dynamodb-endpoint http://127.0.0.1:$DYNAMODB_PORT"
  fi
}

epoch=1600000000
echo "PUT: wrk -t2 -c$connections -d$duration -s bench/put_reading.lua, $rounds rounds per store, $(nproc) cores"
for store in sqlite dynamodb; do
  # shellcheck disable=SC2046
  start_telemetryd "$work/$store-put.log" $(store_args "$store")
  : >"$work/$store.rates"
  puts=0
  for round in $(seq "$rounds"); do
    out=$(BENCH_EPOCH=$((epoch + round * 1000)) wrk -t2 -c"$connections" -d"$duration" -s bench/put_reading.lua \
      "http://127.0.0.1:$TELEMETRYD_PORT" 2>"$work/wrk-errors.log")
    if [ -s "$work/wrk-errors.log" ]; then head -5 "$work/wrk-errors.log" >&2; exit 1; fi
    echo "$out" | wrk_rate >>"$work/$store.rates"
    puts=$((puts + $(echo "$out" | awk '/requests in/ {print $1}')))
    echo "  $store round $round: $(echo "$out" | wrk_rate) req/s"
  done
  stop_telemetryd
  rate=$(median <"$work/$store.rates")
  echo "$rate" >"$work/$store.median"
  echo "$store: median $rate req/s, $puts readings stored"
  if [ "$store" = dynamodb ]; then
    requests=$(grep -o '"requests":[0-9]*' "$work/$store-put.log" | grep -o '[0-9]*$')
    awk -v r="$requests" -v p="$puts" \
      'BEGIN {printf "dynamodb: %d requests for %d readings: %.3f DynamoDB requests per reading\n", r, p, r / p}'
  fi
done
awk -v d="$(cat "$work/dynamodb.median")" -v s="$(cat "$work/sqlite.median")" \
  'BEGIN {printf "PUT ratio dynamodb/sqlite: %.3f\n", d / s}'

# Statistics over what the PUT rounds wrote: everything, one sensor over a range with millisecond edges (raw
# edges read too), all sensors over the same range.
from=$((epoch + 1000)).123
to=$((epoch + rounds * 1000 + 5)).877
echo "stats: wrk -t1 -c1 -d$duration --latency, p50/p99 in microseconds"
for store in sqlite dynamodb; do
  # shellcheck disable=SC2046
  start_telemetryd "$work/$store-stats.log" $(store_args "$store")
  base="http://127.0.0.1:$TELEMETRYD_PORT"
  for path in /api "/api/stats" "/api/v1/stats?sensorID=t0-s1&from=$from&to=$to" "/api/v1/stats?from=$from&to=$to"; do
    out=$(wrk -t1 -c1 -d"$duration" --latency -s bench/expect_200.lua "$base$path" 2>"$work/wrk-errors.log")
    if [ -s "$work/wrk-errors.log" ]; then head -5 "$work/wrk-errors.log" >&2; exit 1; fi
    printf "  %-8s %-70s p50 %7s  p99 %7s\n" "$store" "$path" \
      "$(echo "$out" | percentiles | awk '$1 == "50%" {print $2}')" "$(echo "$out" | percentiles | awk '$1 == "99%" {print $2}')"
  done
  stop_telemetryd
done

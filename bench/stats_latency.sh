#!/usr/bin/env bash
# Statistics latency over a large store: fills a data directory with READINGS readings (default 10 million, 1,000
# sensors, one reading per sensor per minute: about a week) through telemetry_load, then measures with wrk
#   GET /api                 the reference: a constant answer, no storage
#   GET /api/stats           the original's statistics over everything
#   GET /api/v1/stats        random ranges with millisecond edges, half for one sensor, half for all sensors
# with 1 connection (latency alone) and with CONNECTIONS (default 16: latency under load), and prints p50/p99 of
# each and the p99 ratios to GET /api, after one unmeasured pass over random ranges. Each connection count runs
# ROUNDS times (default 3) in turn, and the median of the rounds' ratios is printed: one run's p99 here is often
# a hiccup of the machine's, for the reference as much as for the others. Before all that, the same kind of ranges
# read from the store without HTTP (build/telemetry_read_ranges): the storage's part of a range's cost. After each
# connection count, the server's own p99 and p99.9 of both (bucket bounds of its /metrics histogram).
#   bench/stats_latency.sh  READINGS=1000000 DURATION=10s CONNECTIONS=16 ROUNDS=3 DATA_DIR=... (kept if given)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
readings=${READINGS:-10000000}
sensors=1000
duration=${DURATION:-10s}
connections=${CONNECTIONS:-16}
rounds=${ROUNDS:-3}
start=1600000000
step_ms=60000

scripts/setup.sh wrk
scripts/build.sh --target telemetryd --target telemetry_load --target telemetry_read_ranges >/dev/null

work=$(mktemp -d)
cleanup() {
  [ -n "${TELEMETRYD_PID:-}" ] && kill "$TELEMETRYD_PID" 2>/dev/null && wait "$TELEMETRYD_PID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
data_dir=${DATA_DIR:-$work/data}
if [ ! -f "$data_dir/telemetry.db" ]; then
  build/telemetry_load --data-dir "$data_dir" --readings "$readings" --sensors "$sensors" --batch 5000 \
    --start "$start" --step-ms "$step_ms"
fi
end=$((start + readings / sensors * step_ms / 1000))
echo "storage alone, no HTTP:"
build/telemetry_read_ranges --data-dir "$data_dir" --from "$start" --to "$end" --sensors "$sensors"
start_telemetryd "$work/telemetryd.log" --data-dir "$data_dir"

echo "store: $readings readings, $sensors sensors, $(du -sh "$data_dir" | cut -f1); wrk -t1 -d$duration"
base="http://127.0.0.1:$TELEMETRYD_PORT"
export BENCH_FROM=$start BENCH_TO=$end BENCH_SENSORS=$sensors
# One unmeasured pass first: the store was just opened, and a dashboard's store is warm.
wrk -t1 -c"$connections" -d"$duration" -s bench/range_stats.lua "$base" >/dev/null 2>&1

declare -A p99
# run CONNECTIONS NAME URL [more wrk arguments]
run() {
  local c=$1 name=$2 target=$3
  shift 3
  local out p50
  out=$(wrk -t1 -c"$c" -d"$duration" --latency "$@" "$target" 2>"$work/errors.log")
  if [ -s "$work/errors.log" ]; then head -3 "$work/errors.log" >&2; exit 1; fi
  p50=$(echo "$out" | percentiles | awk '$1 == "50%" {print $2}')
  p99[$name]=$(echo "$out" | percentiles | awk '$1 == "99%" {print $2}')
  printf "c=%-3s %-24s %9s req/s   p50 %6s us   p99 %6s us\n" "$c" "$name" "$(echo "$out" | wrk_rate)" "$p50" \
    "${p99[$name]}"
}
for c in 1 "$connections"; do
  server_latency "$base" /api >"$work/api-before"
  server_latency "$base" /api/v1/stats >"$work/ranges-before"
  for round in $(seq "$rounds"); do
    run "$c" "GET /api" "$base/api"
    run "$c" "GET /api/stats" "$base/api/stats"
    run "$c" "GET /api/v1/stats ranges" "$base" -s bench/range_stats.lua
    for name in "GET /api/stats" "GET /api/v1/stats ranges"; do
      awk -v a="${p99[$name]}" -v b="${p99[GET /api]}" 'BEGIN {printf "%.2f\n", a / b}' \
        >>"$work/ratios-$c-${name//[ \/]/_}"
    done
  done
  for name in "GET /api/stats" "GET /api/v1/stats ranges"; do
    ratios="$work/ratios-$c-${name//[ \/]/_}"
    printf "c=%-3s p99 %s / GET /api: median %s of %s\n" "$c" "$name" "$(median <"$ratios")" \
      "$(paste -sd' ' "$ratios")"
  done
  # The server's own time, from a request's arrival to its answer: what wrk sees beyond it is the client's, the
  # loopback's and the wake-ups of both.
  server_latency "$base" /api >"$work/api-after"
  server_latency "$base" /api/v1/stats >"$work/ranges-after"
  printf "c=%-3s server's own time, GET /api: %s\n" "$c" "$(server_percentiles "$work/api-before" "$work/api-after")"
  printf "c=%-3s server's own time, ranges:   %s\n" "$c" \
    "$(server_percentiles "$work/ranges-before" "$work/ranges-after")"
done

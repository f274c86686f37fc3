#!/usr/bin/env bash
# Statistics asked while a saturating line-protocol ingest runs: READINGS readings (default 3,000,000, 100 sensors
# over SPAN_DAYS days, default 365) stream in from 4 connections (bench/send_lines.py) while one client asks, one
# at a time, for one sensor's statistics over the year and for GET /api (the reference), alternating. Prints the
# ingest rate and the latencies of each, ROUNDS times (default 3), each round on a fresh store.
#   bench/stats_during_ingest.sh            ROUNDS=3 READINGS=3000000 SPAN_DAYS=365
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${ROUNDS:-3}
readings=${READINGS:-3000000}
span_days=${SPAN_DAYS:-365}
stats_path='/api/v1/stats?sensorID=sensor-7&from=2021-01-01&to=2022-01-01'

scripts/build.sh --target telemetryd >/dev/null

work=$(mktemp -d)
cleanup() {
  [ -n "${TELEMETRYD_PID:-}" ] && stop_telemetryd
  rm -rf "$work"
}
trap cleanup EXIT

echo "$readings readings of 100 sensors over $span_days days while reading $stats_path, $(nproc) cores"
for round in $(seq "$rounds"); do
  rm -rf "$work/data"
  start_telemetryd "$work/telemetryd.log" --data-dir "$work/data"
  rm -f "$work/sending"
  SENDING_FILE="$work/sending" bench/send_lines.py '/write?db=bench&precision=s' "$TELEMETRYD_PORT" "$readings" \
    5000 4 100 "$span_days" >"$work/rate" &
  ingest=$!
  # The ingest makes its bodies first (about a second per million readings), then says so and sends; the reads
  # begin a second into the sending, when the applier is behind.
  while [ ! -e "$work/sending" ]; do
    kill -0 "$ingest" 2>/dev/null || { wait "$ingest"; exit 1; }
    sleep 0.1
  done
  sleep 1
  bench/read_during_ingest.py "$TELEMETRYD_PORT" "$ingest" "$stats_path" >"$work/reads"
  wait "$ingest"
  stop_telemetryd
  echo "round $round: ingest $(cat "$work/rate") readings/s"
  sed 's/^/  /' "$work/reads"
done

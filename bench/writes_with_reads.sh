#!/usr/bin/env bash
# Durable PUTs with statistics read alongside, against the same PUTs alone (the reference): each round starts two
# fresh servers, one taking wrk's PUTs (bench/put_reading.lua, PUT_CONNECTIONS) alone, the other the same PUTs while
# READ_CONNECTIONS more ask one sensor's statistics over the span being written, one request at a time each. Every
# such read must count every reading acknowledged before it: the uncommitted ones too (until session 13, each read
# waited for a commit of its own). Prints
# rates and p99s, the largest size SQLite's WAL reached (sampled every 0.2 s), and the medians over the rounds.
#   bench/writes_with_reads.sh   ROUNDS=3 DURATION=10s PUT_CONNECTIONS=48 READ_CONNECTIONS=4 to change the defaults
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
put_connections=${PUT_CONNECTIONS:-48}
read_connections=${READ_CONNECTIONS:-4}
epoch=1600000000

scripts/setup.sh wrk
scripts/build.sh --target telemetryd >/dev/null

work=$(mktemp -d)
cleanup() {
  [ -n "${TELEMETRYD_PID:-}" ] && stop_telemetryd
  rm -rf "$work"
}
trap cleanup EXIT

# wrk's p99 from its --latency output on stdin, in milliseconds.
p99_ms() { percentiles | awk '$1 == "99%" {printf "%.2f\n", $2 / 1000}'; }

# serve NAME: a fresh server on a fresh data directory.
serve() {
  rm -rf "$work/$1"
  start_telemetryd "$work/$1.log" --data-dir "$work/$1"
}
# puts NAME: wrk's PUTs against the running server, its output in $work/NAME.out; any answer but 200 fails the run.
puts() {
  BENCH_EPOCH=$epoch wrk -t1 -c"$put_connections" -d"$duration" --latency -s bench/put_reading.lua \
    "http://127.0.0.1:$TELEMETRYD_PORT" >"$work/$1.out" 2>"$work/$1.errors"
  if [ -s "$work/$1.errors" ]; then head -3 "$work/$1.errors" >&2; return 1; fi
}

echo "wrk -c$put_connections PUTs, alone and with -c$read_connections statistics reads, $duration, $rounds rounds, 2 cores"
for round in $(seq "$rounds"); do
  serve alone
  puts alone
  stop_telemetryd

  serve mixed
  (while kill -0 "$TELEMETRYD_PID" 2>/dev/null; do
    stat -c %s "$work/mixed/telemetry.db-wal" 2>/dev/null || echo 0
    sleep 0.2
  done >"$work/wal-sizes") &
  sampler=$!
  puts mixed &
  writer=$!
  reads=$(wrk -t1 -c"$read_connections" -d"$duration" --latency \
    "http://127.0.0.1:$TELEMETRYD_PORT/api/v1/stats?sensorID=t0-s1&from=$epoch&to=$((epoch + 86400))" 2>&1)
  wait "$writer"
  stop_telemetryd
  wait "$sampler" 2>/dev/null || true
  if echo "$reads" | grep -q "Non-2xx"; then echo "$reads" >&2; exit 1; fi
  alone=$(cat "$work/alone.out")
  mixed=$(cat "$work/mixed.out")
  wal_mib=$(($(sort -n "$work/wal-sizes" | tail -1) >> 20))

  echo "$alone" | wrk_rate >>"$work/alone-rate"
  echo "$alone" | p99_ms >>"$work/alone-p99"
  echo "$mixed" | wrk_rate >>"$work/mixed-rate"
  echo "$mixed" | p99_ms >>"$work/mixed-p99"
  echo "$reads" | wrk_rate >>"$work/reads-rate"
  echo "$reads" | p99_ms >>"$work/reads-p99"
  echo "$wal_mib" >>"$work/wal-mib"
  printf "round %s: PUT alone %s req/s p99 %s ms | with reads: PUT %s req/s p99 %s ms, reads %s/s p99 %s ms, WAL at most %s MiB\n" \
    "$round" "$(tail -1 "$work/alone-rate")" "$(tail -1 "$work/alone-p99")" "$(tail -1 "$work/mixed-rate")" \
    "$(tail -1 "$work/mixed-p99")" "$(tail -1 "$work/reads-rate")" "$(tail -1 "$work/reads-p99")" "$wal_mib"
done
m() { median <"$work/$1"; }
printf "median: PUT alone %s req/s p99 %s ms; with reads: PUT %s req/s (%s of alone) p99 %s ms, reads %s/s p99 %s ms; WAL at most %s MiB\n" \
  "$(m alone-rate)" "$(m alone-p99)" "$(m mixed-rate)" \
  "$(awk -v a="$(m mixed-rate)" -v b="$(m alone-rate)" 'BEGIN {printf "%.2f", a / b}')" "$(m mixed-p99)" \
  "$(m reads-rate)" "$(m reads-p99)" "$(sort -n "$work/wal-mib" | tail -1)"

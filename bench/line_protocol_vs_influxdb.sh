#!/usr/bin/env bash
# Line-protocol ingest against InfluxDB 1.6 (Debian's influxdb, WAL fsync on every write, its default) on the same
# machine: READINGS readings (default 1,000,000; 100 sensors) in BATCH-line POSTs (5,000) from 4 connections,
# alternating rounds on fresh data; prints the median points/s of each and their ratio, for each time span in
# SPAN_DAYS (default "1 365": the readings within a day, as live telemetry arrives, then spread over a year, as a
# back-fill of sparse history, where every reading opens rollup buckets of its own).
# Then, on the last round's data, the same InfluxQL queries to both (and telemetryd's REST equivalents): one global
# mean/min/max, a one-year hourly series for one sensor, a year of daily buckets of every sensor.
#   bench/line_protocol_vs_influxdb.sh        ROUNDS=3 READINGS=1000000 BATCH=5000 SPAN_DAYS="1 365"
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${ROUNDS:-3}
readings=${READINGS:-1000000}
batch=${BATCH:-5000}
spans=${SPAN_DAYS:-1 365}

scripts/setup.sh influxdb curl
scripts/build.sh --target telemetryd >/dev/null

work=$(mktemp -d)
cleanup() {
  [ -n "${TELEMETRYD_PID:-}" ] && stop_telemetryd
  [ -n "${INFLUXD_PID:-}" ] && kill "$INFLUXD_PID" 2>/dev/null && wait "$INFLUXD_PID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Starts influxd on free loopback ports with its files in $1; sets INFLUXD_PID and INFLUX_PORT.
start_influxd() {
  local dir=$1
  INFLUX_PORT=$(free_port)
  mkdir -p "$dir"
  cat >"$dir/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$(free_port)"
[meta]
  dir = "$dir/meta"
[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  wal-fsync-delay = "0s"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$INFLUX_PORT"
  log-enabled = false
[continuous_queries]
  enabled = false
CONF
  influxd -config "$dir/influxdb.conf" >"$dir/influxd.log" 2>&1 &
  INFLUXD_PID=$!
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$INFLUX_PORT/ping" >/dev/null && break
    sleep 0.1
  done
  curl -sf -XPOST "http://127.0.0.1:$INFLUX_PORT/query" --data-urlencode "q=CREATE DATABASE bench" >/dev/null
}

last_span=${spans##* }
for span_days in $spans; do
  echo "$readings readings of 100 sensors over $span_days days, $batch-line batches, 4 connections, $rounds rounds, $(nproc) cores"
  rm -f "$work/telemetry.rates" "$work/influx.rates"
  for round in $(seq "$rounds"); do
    last=$([ "$round" -eq "$rounds" ] && [ "$span_days" = "$last_span" ] && echo yes || echo no)
    rm -rf "$work/telemetry" "$work/influx"
    start_telemetryd "$work/telemetryd.log" --data-dir "$work/telemetry"
    t=$(bench/send_lines.py '/write?db=bench&precision=s' "$TELEMETRYD_PORT" "$readings" "$batch" 4 100 "$span_days")
    [ "$last" = no ] && stop_telemetryd
    start_influxd "$work/influx"
    i=$(bench/send_lines.py '/write?db=bench&precision=s' "$INFLUX_PORT" "$readings" "$batch" 4 100 "$span_days")
    if [ "$last" = no ]; then kill "$INFLUXD_PID"; wait "$INFLUXD_PID" 2>/dev/null || true; INFLUXD_PID=; fi
    echo "round $round: telemetryd $t points/s, InfluxDB $i points/s"
    echo "$t" >>"$work/telemetry.rates"
    echo "$i" >>"$work/influx.rates"
  done
  median_ratio telemetryd "$work/telemetry.rates" InfluxDB "$work/influx.rates" points/s "over $span_days days"
done

best_of_5() {
  local best=
  "$@" >/dev/null
  for _ in 1 2 3 4 5; do
    local s
    s=$("$@" -o /dev/null -w '%{time_total}')
    best=$(printf '%s\n%s\n' "$s" "${best:-$s}" | sort -g | head -1)
  done
  echo "$best"
}
tq="http://127.0.0.1:$TELEMETRYD_PORT"
iq="http://127.0.0.1:$INFLUX_PORT/query?db=bench"
# The same InfluxQL text to both servers (telemetryd's /query), and telemetryd's own REST call for the same answer.
influxql() { best_of_5 curl -sf -G "$1" --data-urlencode "q=$2"; }
year="time >= '2021-01-01T00:00:00Z' AND time < '2022-01-01T00:00:00Z'"
q_all='SELECT mean(value),min(value),max(value) FROM temperature'
q_hourly="SELECT mean(value),min(value),max(value),count(value) FROM temperature WHERE sensorID='sensor-7' AND $year GROUP BY time(1h)"
q_daily="SELECT mean(value),max(value) FROM temperature WHERE $year GROUP BY time(1d), sensorID"
echo "query seconds (best of 5)          telemetryd InfluxQL  telemetryd REST  InfluxDB"
printf "%-34s %-19s %-16s %s\n" "GET /api (reference)" "-" "$(best_of_5 curl -sf "$tq/api")" "-"
printf "%-34s %-19s %-16s %s\n" "all readings: mean/min/max" "$(influxql "$tq/query?db=bench" "$q_all")" \
  "$(best_of_5 curl -sf "$tq/api/v1/stats")" "$(influxql "$iq" "$q_all")"
printf "%-34s %-19s %-16s %s\n" "one sensor, 1 year, hourly" "$(influxql "$tq/query?db=bench" "$q_hourly")" \
  "$(best_of_5 curl -sf "$tq/api/v1/series?sensorID=sensor-7&from=2021-01-01&to=2022-01-01&interval=1h")" \
  "$(influxql "$iq" "$q_hourly")"
printf "%-34s %-19s %-16s %s\n" "every sensor, 1 year, daily" "$(influxql "$tq/query?db=bench" "$q_daily")" "-" \
  "$(influxql "$iq" "$q_daily")"
# The answers agree: the same numbers from both (InfluxDB's sums may differ in the last digit; counts must not).
counts() { curl -sf -G "$1" --data-urlencode "q=SELECT count(value) FROM temperature WHERE $year GROUP BY time(30d), sensorID"; }
if [ "$(counts "$tq/query?db=bench")" = "$(counts "$iq")" ]; then
  echo "monthly counts per sensor: the same from both"
else
  echo "monthly counts per sensor DIFFER between telemetryd and InfluxDB" >&2
  exit 1
fi

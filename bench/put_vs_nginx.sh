#!/usr/bin/env bash
# Durable PUT throughput: telemetryd (embedded store, every 200 fsync'd) against nginx's bare `return 200` on the
# same machine with the same wrk script, alternating runs; prints the median of each and their ratio.
#   bench/put_vs_nginx.sh            ROUNDS=5 DURATION=10s CONNECTIONS=64 to change the defaults
#   AUTH=token bench/put_vs_nginx.sh  the same with --auth token, every request carrying a token
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}

scripts/setup.sh wrk nginx-light
scripts/build.sh --target telemetryd >/dev/null

work=$(mktemp -d)
cleanup() {
  [ -n "${TELEMETRYD_PID:-}" ] && kill "$TELEMETRYD_PID" 2>/dev/null && wait "$TELEMETRYD_PID" 2>/dev/null
  stop_nginx "$work"
  rm -rf "$work"
}
trap cleanup EXIT

start_nginx "$work"
if [ "${AUTH:-none}" = token ]; then
  BENCH_TOKEN=$(openssl rand -hex 32)
  export BENCH_TOKEN  # the bootstrap admin token: may write any sensor
  printf '%s\n' "$BENCH_TOKEN" >"$work/admin-token"
  start_telemetryd "$work/telemetryd.log" --data-dir "$work/data" --auth token --admin-token-file "$work/admin-token"
else
  start_telemetryd "$work/telemetryd.log" --data-dir "$work/data"
fi

echo "wrk -t2 -c$connections -d$duration -s bench/put_reading.lua, $rounds rounds, $(nproc) cores, auth ${AUTH:-none}"
for round in $(seq "$rounds"); do
  epoch=$((1600000000 + round * 10000000))  # a fresh key range each round
  nginx_rate=$(BENCH_EPOCH=$epoch wrk -t2 -c"$connections" -d"$duration" -s bench/put_reading.lua \
    "http://127.0.0.1:$NGINX_PORT/api/temperature" | wrk_rate)
  telemetryd_rate=$(BENCH_EPOCH=$epoch wrk -t2 -c"$connections" -d"$duration" -s bench/put_reading.lua \
    "http://127.0.0.1:$TELEMETRYD_PORT" 2>"$work/wrk-errors.log" | wrk_rate)
  if [ -s "$work/wrk-errors.log" ]; then
    echo "telemetryd answered something other than 200:" >&2
    head -5 "$work/wrk-errors.log" >&2
    exit 1
  fi
  echo "round $round: nginx $nginx_rate req/s, telemetryd $telemetryd_rate req/s"
  echo "$nginx_rate" >>"$work/nginx.rates"
  echo "$telemetryd_rate" >>"$work/telemetryd.rates"
done
median_ratio telemetryd "$work/telemetryd.rates" nginx "$work/nginx.rates" req/s

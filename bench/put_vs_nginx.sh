#!/usr/bin/env bash
# Durable PUT throughput: telemetryd (embedded store, every 200 fsync'd) against nginx's bare `return 200` on the
# same machine with the same wrk script, alternating runs; prints the median of each and their ratio, and where
# the machine's CPU went per request: the server's processes, and everything else (wrk, mostly, and the kernel's
# loopback work on its behalf), from /proc — both share the same cores, so a server's rate is bounded by the sum.
# A third server in each round, telemetry_http_floor (bench/http_floor.cc), is a bare Boost.Beast `return 200`:
# the HTTP library's own ceiling here, which splits telemetryd's distance to nginx into the library's part and its own.
#   bench/put_vs_nginx.sh            ROUNDS=5 DURATION=10s CONNECTIONS=64 to change the defaults
#   AUTH=token bench/put_vs_nginx.sh  the same with --auth token, every request carrying a token
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}

scripts/setup.sh wrk nginx-light
scripts/build.sh --target telemetryd telemetry_http_floor >/dev/null

work=$(mktemp -d)
cleanup() {
  [ -n "${TELEMETRYD_PID:-}" ] && kill "$TELEMETRYD_PID" 2>/dev/null && wait "$TELEMETRYD_PID" 2>/dev/null
  [ -n "${FLOOR_PID:-}" ] && kill "$FLOOR_PID" 2>/dev/null && wait "$FLOOR_PID" 2>/dev/null
  stop_nginx "$work"
  rm -rf "$work"
}
trap cleanup EXIT

start_nginx "$work"
build/telemetry_http_floor 2>"$work/floor.log" &
FLOOR_PID=$!
FLOOR_PORT=$(listening_port "$work/floor.log" "$FLOOR_PID")
if [ "${AUTH:-none}" = token ]; then
  BENCH_TOKEN=$(openssl rand -hex 32)
  export BENCH_TOKEN  # the bootstrap admin token: may write any sensor
  printf '%s\n' "$BENCH_TOKEN" >"$work/admin-token"
  start_telemetryd "$work/telemetryd.log" --data-dir "$work/data" --auth token --admin-token-file "$work/admin-token"
else
  start_telemetryd "$work/telemetryd.log" --data-dir "$work/data"
fi

nginx_pids=$(cat "$work/nginx.pid" && pgrep -P "$(cat "$work/nginx.pid")")
us_per_tick=$((1000000 / $(getconf CLK_TCK)))

# telemetryd's durable commits so far, from /metrics: "COUNT READINGS SECONDS" (fsyncs, readings they covered, time
# they took).
commits() {
  curl -sf ${BENCH_TOKEN:+-H "Authorization: Bearer $BENCH_TOKEN"} "http://127.0.0.1:$TELEMETRYD_PORT/metrics" |
    awk '/^telemetry_commit_readings_count /{n=$2} /^telemetry_commit_readings_sum /{r=$2}
         /^telemetry_commit_duration_seconds_sum /{s=$2} END {print n + 0, r + 0, s + 0}'
}

# run NAME URL EPOCH SERVER_PIDS...: one wrk run; appends its rate and CPU per request to NAME's files, prints them.
run() {
  local name=$1 url=$2 epoch=$3
  shift 3
  local server0 busy0 out requests server rest
  server0=$(cpu_ticks "$@")
  busy0=$(machine_busy_ticks)
  out=$(BENCH_EPOCH=$epoch wrk -t2 -c"$connections" -d"$duration" -s bench/put_reading.lua "$url" \
    2>"$work/wrk-errors.log")
  if [ -s "$work/wrk-errors.log" ]; then
    echo "$name answered something other than 200:" >&2
    head -5 "$work/wrk-errors.log" >&2
    exit 1
  fi
  requests=$(echo "$out" | wrk_requests)
  server=$((($(cpu_ticks "$@") - server0) * us_per_tick / requests))
  rest=$((($(machine_busy_ticks) - busy0) * us_per_tick / requests - server))
  echo "$out" | wrk_rate >>"$work/$name.rates"
  echo "$server" >>"$work/$name.server-us"
  echo "$rest" >>"$work/$name.rest-us"
  printf "%s %s req/s (CPU per request: server %s us, the rest %s us)" "$name" "$(echo "$out" | wrk_rate)" \
    "$server" "$rest"
}

echo "wrk -t2 -c$connections -d$duration -s bench/put_reading.lua, $rounds rounds, $(nproc) cores, auth ${AUTH:-none}"
for round in $(seq "$rounds"); do
  epoch=$((1600000000 + round * 10000000))  # a fresh key range each round
  printf "round %s: " "$round"
  # shellcheck disable=SC2086  # one PID per word
  run nginx "http://127.0.0.1:$NGINX_PORT/api/temperature" "$epoch" $nginx_pids
  printf ", "
  run beast-floor "http://127.0.0.1:$FLOOR_PORT/api/temperature" "$epoch" "$FLOOR_PID"
  printf ", "
  before=$(commits)
  run telemetryd "http://127.0.0.1:$TELEMETRYD_PORT" "$epoch" "$TELEMETRYD_PID"
  # What binds the rate (docs/performance.md, session 10): how long an fsync takes under the load, and how many
  # readings each carries.
  echo "$before $(commits)" | awk '{n = $4 - $1; if (n > 0) printf ", %d fsyncs of %.1f readings, %.0f us each",
    n, ($5 - $2) / n, ($6 - $3) * 1e6 / n}'
  echo
done
median_ratio telemetryd "$work/telemetryd.rates" nginx "$work/nginx.rates" req/s
median_ratio beast-floor "$work/beast-floor.rates" nginx "$work/nginx.rates" req/s
echo "ratio telemetryd/beast-floor: $(awk -v t="$(median <"$work/telemetryd.rates")" \
  -v f="$(median <"$work/beast-floor.rates")" 'BEGIN {printf "%.2f", t / f}')"
for name in nginx beast-floor telemetryd; do
  echo "median CPU per request, $name: server $(median <"$work/$name.server-us") us," \
    "the rest $(median <"$work/$name.rest-us") us"
done

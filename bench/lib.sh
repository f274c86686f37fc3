# Shared helpers for the benchmark scripts (sourced, not run).

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "bench: no free port found" >&2
  return 1
}

# Waits until the process PID has logged "listening on 127.0.0.1:PORT" to LOG and prints PORT:
# listening_port LOG PID. Fails when the process exits first or a minute passes.
listening_port() {
  local log=$1 pid=$2 port
  for _ in $(seq 600); do
    port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && echo "$port" && return
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "bench: $(basename "$log" .log) did not start" >&2
  return 1
}

# Starts telemetryd in the background on a free loopback port: start_telemetryd LOGFILE ARGS...
# Sets TELEMETRYD_PID and TELEMETRYD_PORT once it listens.
start_telemetryd() {
  local log=$1
  shift
  build/telemetryd --listen 127.0.0.1:0 "$@" 2>"$log" &
  TELEMETRYD_PID=$!
  TELEMETRYD_PORT=$(listening_port "$log" "$TELEMETRYD_PID")
}

# Starts nginx with a bare `return 200` on a free loopback port, 2 workers (one per core here).
# Sets NGINX_PORT; needs the folder for its files.
start_nginx() {
  local dir=$1
  NGINX_PORT=$(free_port)
  cat >"$dir/nginx.conf" <<CONF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$NGINX_PORT; location / { return 200; } }
}
CONF
  nginx -c "$dir/nginx.conf" -p "$dir"
}

stop_nginx() { [ -f "$1/nginx.pid" ] && kill "$(cat "$1/nginx.pid")" 2>/dev/null || true; }

# CPU time the processes (all their threads) have used so far, in clock ticks: cpu_ticks PID...
cpu_ticks() {
  local pid ticks=0
  for pid in "$@"; do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$ticks"
}

# CPU time the whole machine has spent busy so far (every core, every process, the kernel's interrupts), in ticks.
machine_busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# The server's own cumulative histogram of ROUTE's request times (telemetry_http_request_duration_seconds in
# /metrics), one "upper-bound count" line per bucket: server_latency BASE_URL ROUTE
server_latency() {
  curl -sf "$1/metrics" | awk -v want="route=\"$2\"" -F'[{}]' '
    $1 == "telemetry_http_request_duration_seconds_bucket" && index($2, want) {
      le = $2; sub(/.*le="/, "", le); sub(/".*/, "", le); print le, $3 + 0 }'
}

# From two server_latency files (before, after): the bucket bounds in µs under which 99 % and 99.9 % of the
# requests between them were answered: server_percentiles BEFORE AFTER
server_percentiles() {
  awk 'FILENAME == ARGV[1] {before[$1] = $2; next} {le[FNR] = $1; n[FNR] = $2 - before[$1]; last = FNR} END {
    for (q = 1; q <= 2; q++) {
      want = (q == 1 ? 0.99 : 0.999) * n[last]
      for (i = 1; i <= last && n[i] < want; i++) {}
      printf "%s <= %s us", (q == 1 ? "p99" : "p99.9"), (le[i] == "+Inf" ? "inf" : le[i] * 1e6)
      printf (q == 1 ? ", " : " (of %d)\n"), n[last]
    } }' "$1" "$2"
}

# Requests per second from wrk's output on stdin.
wrk_rate() { awk '/^Requests\/sec:/ {print $2}'; }

# Requests completed, from wrk's output on stdin ("  612345 requests in 10.00s, ...").
wrk_requests() { awk '$2 == "requests" && $3 == "in" {print $1}'; }

# The median of numbers given one per line on stdin.
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# Prints the median of two runs' rates (files, one rate a line) and the first's ratio to the second:
#   median_ratio NAME FILE REFERENCE_NAME REFERENCE_FILE UNIT [WHAT]
median_ratio() {
  local rate reference
  rate=$(median <"$2")
  reference=$(median <"$4")
  echo "median${6:+ $6}: $1 $rate $5, $3 $reference $5"
  awk -v r="$rate" -v f="$reference" -v names="$1/$3" -v what="${6:+ $6}" \
    'BEGIN {printf "ratio %s%s: %.2f\n", names, what, r / f}'
}

# Starts AWS's DynamoDB Local (in memory) on a free loopback port: start_dynamodb_local LOGFILE.
# Sets DYNAMODB_PID and DYNAMODB_PORT once it answers; exports the fake credentials it accepts.
start_dynamodb_local() {
  local log=$1 dir
  dir=$(scripts/fetch_dynamodb_local.sh)
  DYNAMODB_PORT=$(free_port)
  (cd "$dir" && exec java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar -inMemory -sharedDb \
    -port "$DYNAMODB_PORT") >"$log" 2>&1 &
  DYNAMODB_PID=$!
  export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$DYNAMODB_PORT") 2>/dev/null && return
    kill -0 "$DYNAMODB_PID" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "bench: DynamoDB Local did not start" >&2
  return 1
}

# Stops telemetryd with SIGTERM and waits for it to exit.
stop_telemetryd() {
  kill "$TELEMETRYD_PID" 2>/dev/null && wait "$TELEMETRYD_PID" 2>/dev/null || true
  TELEMETRYD_PID=
}

# wrk --latency prints "99%  1.23ms"; this turns the 50% and 99% lines into "50% <microseconds>".
percentiles() {
  awk '$1 == "50%" || $1 == "99%" {
         v = $2; unit = v; gsub(/[0-9.]/, "", unit); sub(/[a-z]+$/, "", v);
         us = (unit == "us") ? v : (unit == "ms") ? v * 1000 : v * 1000000;
         printf "%s %.0f\n", $1, us }'
}

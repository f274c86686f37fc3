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

# Starts telemetryd in the background on a free loopback port: start_telemetryd LOGFILE ARGS...
# Sets TELEMETRYD_PID and TELEMETRYD_PORT once it listens.
start_telemetryd() {
  local log=$1
  shift
  build/telemetryd --listen 127.0.0.1:0 "$@" 2>"$log" &
  TELEMETRYD_PID=$!
  for _ in $(seq 600); do
    TELEMETRYD_PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    [ -n "$TELEMETRYD_PORT" ] && return
    kill -0 "$TELEMETRYD_PID" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "bench: telemetryd did not start" >&2
  return 1
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

# Requests per second from wrk's output on stdin.
wrk_rate() { awk '/^Requests\/sec:/ {print $2}'; }

# The median of numbers given one per line on stdin.
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

#!/usr/bin/env bash
# Starts and stops AWS's DynamoDB Local. As a CTest fixture (tests/CMakeLists.txt) one serves a whole ctest run:
# every test process that asks for DynamoDB Local uses it instead of starting a JVM of its own (~3 s and ~4 s of CPU
# each here, then a cold JIT). A test binary run by hand starts its own with it (tests/support/dynamodb_local.cc).
#   dynamodb_local_fixture.sh start DIR STATE   starts it from DIR on a free loopback port; writes "PID PORT" to STATE
#   dynamodb_local_fixture.sh stop STATE        stops it
set -euo pipefail

case "${1:-}" in
  start)
    dir=$2 state=$3
    rm -f "$state"
    [ -f "$dir/DynamoDBLocal.jar" ] || { echo "DynamoDB Local is not in $dir: run scripts/fetch_dynamodb_local.sh" >&2; exit 1; }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cd "$dir"
    # Its own session: it outlives this script, until the fixture's cleanup stops it.
    setsid java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar -inMemory -sharedDb -port "$port" \
      </dev/null >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 600); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "$pid $port" >"$state"
        exit 0
      fi
      kill -0 "$pid" 2>/dev/null || { echo "DynamoDB Local exited at start" >&2; exit 1; }
      sleep 0.1
    done
    kill "$pid"
    echo "DynamoDB Local did not start within a minute" >&2
    exit 1
    ;;
  stop)
    state=$2
    [ -f "$state" ] || exit 0
    read -r pid _ <"$state"
    rm -f "$state"
    kill "$pid" 2>/dev/null || exit 0
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || exit 0
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    ;;
  *)
    echo "usage: $0 start DIR STATE | stop STATE" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# What deleting a day past --retention-days costs, against writing that day: fills a store with DAYS + 1 whole UTC
# days (default 7 + 1, ending at today's midnight) of SENSORS sensors (default 1,000) reporting every minute through
# telemetry_load (the reference: the store alone ingesting them), then starts telemetryd on a copy of it ROUNDS
# times (default 3) with --retention-days DAYS: once it listens it deletes the oldest day, which is what it does at
# every midnight, in slices between rounds of writes, and logs how long that took and the longest slice (what a
# write waited at most). Prints each round, the median, and its ratio to the time writing one day took.
#   bench/retention.sh  DAYS=7 SENSORS=1000 ROUNDS=3
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
days=${DAYS:-7}
sensors=${SENSORS:-1000}
rounds=${ROUNDS:-3}
per_day=$((sensors * 1440))
today=$(($(date +%s) / 86400 * 86400))

scripts/build.sh --target telemetryd --target telemetry_load >/dev/null

work=$(mktemp -d)
cleanup() {
  [ -n "${TELEMETRYD_PID:-}" ] && kill "$TELEMETRYD_PID" 2>/dev/null && wait "$TELEMETRYD_PID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

loaded=$(build/telemetry_load --data-dir "$work/store" --readings $((per_day * (days + 1))) --sensors "$sensors" \
  --batch 5000 --start $((today - (days + 1) * 86400)) --step-ms 60000)
echo "$loaded"
load_seconds=$(echo "$loaded" | sed -E 's/.* in ([0-9.]+) s.*/\1/')
write_day_ms=$(awk -v s="$load_seconds" -v d="$days" 'BEGIN { print s * 1000 / (d + 1) }')

results=()
for round in $(seq "$rounds"); do
  rm -rf "$work/data" && cp -r "$work/store" "$work/data"
  start_telemetryd "$work/telemetryd.log" --data-dir "$work/data" --retention-days "$days"
  ms=
  for _ in $(seq 1200); do  # it deletes once listening, as its writer's first work: up to two minutes
    ms=$(grep -o '"message":"deleted the readings past the retention".*"ms":[0-9]*' "$work/telemetryd.log" |
      grep -o '[0-9]*$' || true)
    [ -n "$ms" ] && break
    sleep 0.1
  done
  [ -n "$ms" ] || { echo "bench: telemetryd deleted nothing" >&2; exit 1; }
  waited=$(grep -o '"longest_write_wait_ms":[0-9]*' "$work/telemetryd.log" | grep -o '[0-9]*$')
  kill "$TELEMETRYD_PID" && wait "$TELEMETRYD_PID" 2>/dev/null || true
  TELEMETRYD_PID=
  printf 'round %d: deleted a day of %d readings in %d ms, writes waiting at most %d ms at a time\n' "$round" \
    "$per_day" "$ms" "$waited"
  results+=("$ms")
done
median=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(((rounds + 1) / 2))p")
awk -v m="$median" -v n="$per_day" -v w="$write_day_ms" 'BEGIN {
  printf "median: %d ms to delete a day (%.0f readings/s); writing a day took %.0f ms: ratio %.2f\n", m, n * 1000 / m, w, m / w
}'

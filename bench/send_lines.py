#!/usr/bin/python3
"""Sends READINGS readings as InfluxDB line protocol in BATCH-line POSTs over CONNECTIONS keep-alive connections and
prints the rate: points/s. The readings: SENSORS sensors ("sensor-<n>"), spread evenly over SPAN_DAYS days from
2021-01-01 (default 365, so that a one-year series is meaningful), second precision, values -20..60.
Every answer must be 204; anything else stops the run with the answer.

  bench/send_lines.py URL_PATH PORT READINGS BATCH CONNECTIONS SENSORS [SPAN_DAYS]
  bench/send_lines.py '/write?db=bench&precision=s' 8080 1000000 5000 4 100

With SENDING_FILE set (environment), the file is created when the bodies are made and sending begins.
"""
import http.client
import os
import sys
import threading
import time

path, port, readings, batch, connections, sensors = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:7])
span_days = int(sys.argv[7]) if len(sys.argv) > 7 else 365
start = 1609459200  # 2021-01-01T00:00:00Z
per_sensor = readings // sensors
step = max(1, span_days * 86400 // per_sensor)

# Bodies are made before the clock starts: the run measures the server, not this script.
bodies = []
lines = []
for i in range(readings):
    sensor, k = i % sensors, i // sensors
    lines.append(f"temperature,sensorID=sensor-{sensor} value={(i * 7919) % 8000 / 100 - 20} {start + k * step}")
    if len(lines) == batch:
        bodies.append("\n".join(lines).encode())
        lines = []
if lines:
    bodies.append("\n".join(lines).encode())

failures = []


def send(share):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    for body in share:
        connection.request("POST", path, body, {"Content-Type": "text/plain"})
        answer = connection.getresponse()
        text = answer.read()
        if answer.status != 204:
            failures.append(f"{answer.status} {text[:300]!r}")
            return


threads = [threading.Thread(target=send, args=(bodies[c::connections],)) for c in range(connections)]
if os.environ.get("SENDING_FILE"):
    open(os.environ["SENDING_FILE"], "w").close()
began = time.monotonic()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.monotonic() - began
if failures:
    sys.exit("send_lines: " + failures[0])
print(f"{readings / elapsed:.0f}")

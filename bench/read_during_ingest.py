#!/usr/bin/python3
"""Asks telemetryd for statistics while an ingest runs, one request at a time, and prints the latencies of what
was answered before the ingest ended: a path under test and GET /api (the reference: no storage), alternating.

  bench/read_during_ingest.py PORT INGEST_PID STATS_PATH

A statistic must count every reading acknowledged before it was asked, so during a saturating ingest it may wait
for a commit; GET /api never waits. Prints one line per path: "<path> n=<count> p50=<ms> p90=<ms> max=<ms>".
"""
import http.client
import os
import sys
import time

port, ingest_pid, stats_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]


def ingest_running():
    try:
        with open(f"/proc/{ingest_pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


connection = http.client.HTTPConnection("127.0.0.1", port)
latencies = {stats_path: [], "/api": []}
deadline = time.monotonic() + 60  # bounded, whatever the ingest does
while ingest_running() and time.monotonic() < deadline:
    for path, seen in latencies.items():
        began = time.monotonic()
        connection.request("GET", path)
        answer = connection.getresponse()
        answer.read()
        if answer.status != 200:
            sys.exit(f"read_during_ingest: {path} answered {answer.status}")
        seen.append((time.monotonic() - began) * 1000)
    time.sleep(0.01)
for path, seen in latencies.items():
    if not seen:
        sys.exit("read_during_ingest: the ingest ended before the first read")
    seen.sort()
    n = len(seen)
    print(f"{path} n={n} p50={seen[n // 2]:.2f} p90={seen[int(n * 0.9)]:.2f} max={seen[-1]:.2f}")

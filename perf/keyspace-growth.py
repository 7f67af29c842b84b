#!/usr/bin/env python3
"""Does the keyspace's growth or shrinking stall clients? While redis-cli --pipe sends each file in
turn (small hashes, one HSET each; then DELs of most of them), a client sends HGET every millisecond;
prints per file its round trips' p50 / p99 / max and every round trip over 20 ms with the file's
progress then.

    keyspace-growth.py PORT RESP_FILE [RESP_FILE ...]
"""
import subprocess
import sys
import threading
import time

from resp_client import command, connect, each_millisecond, stats

port, resp_files = int(sys.argv[1]), sys.argv[2:]
samples = []   # (start, seconds)
stop = threading.Event()


def probe():
    sock = connect(port)
    request = command(b"HGET", b"probe", b"f")
    for _ in each_millisecond(stop):
        start = time.perf_counter()
        sock.sendall(request)
        if not sock.recv(64):
            raise ConnectionError("server closed the connection")
        samples.append((start, time.perf_counter() - start))


thread = threading.Thread(target=probe)
thread.start()
time.sleep(0.3)
phases = []   # (file, began, ended)
for resp_file in resp_files:
    began = time.perf_counter()
    with open(resp_file, "rb") as source:
        subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), "--pipe"], stdin=source, stdout=subprocess.DEVNULL, check=True)
    phases.append((resp_file, began, time.perf_counter()))
time.sleep(0.3)
stop.set()
thread.join()

for resp_file, began, ended in phases:
    during = [s for t, s in samples if began <= t <= ended]
    print("while sending %s in %.1f s: %s" % (resp_file.rsplit("/", 1)[-1], ended - began, stats(during)))
    for t, s in samples:
        if began <= t <= ended and s > 0.020:
            print("  %.0f ms at %.0f%% of its time" % (s * 1000, 100 * (t - began) / (ended - began)))

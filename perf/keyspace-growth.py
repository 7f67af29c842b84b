#!/usr/bin/env python3
"""Does the keyspace's growth stall clients? While redis-cli --pipe loads KEYS small hashes (one HSET
each), a client sends HGET every millisecond; prints its round trips' p50 / p99 / max and every round
trip over 20 ms with the load's progress then (the object table grows by doubling: each doubling
rebuilds it on the event loop).

    keyspace-growth.py PORT RESP_FILE KEYS
"""
import subprocess
import sys
import threading
import time

from resp_client import command, connect, each_millisecond, stats

port, resp_file, keys = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
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
began = time.perf_counter()
with open(resp_file, "rb") as source:
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), "--pipe"], stdin=source, stdout=subprocess.DEVNULL, check=True)
ended = time.perf_counter()
time.sleep(0.3)
stop.set()
thread.join()

loading = [s for t, s in samples if began <= t <= ended]
print("while loading %d keys in %.1f s: %s" % (keys, ended - began, stats(loading)))
for t, s in samples:
    if began <= t <= ended and s > 0.020:
        print("  %.0f ms at %.0f%% of the load's time" % (s * 1000, 100 * (t - began) / (ended - began)))

#!/usr/bin/env python3
"""istore-node start-up time, two binaries interleaved: each round starts both (which one goes first
alternates) on a fresh data directory and a free loopback port and times from exec to the first
PONG; prints each binary's median and the median of the per-round ratios (new / old).

    startup-compare.py OLD_BINARY NEW_BINARY [ROUNDS] [ENGINE]
"""
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from resp_client import command, connect

old, new = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
engine = sys.argv[4] if len(sys.argv) > 4 else "memory"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_to_pong(binary):
    """Seconds from exec to the first PONG of a node started on an empty directory."""
    directory = tempfile.mkdtemp(prefix="istore-startup-")
    port = free_port()
    started = time.perf_counter()
    node = subprocess.Popen([binary, "--port", str(port), "--dir", directory, "--engine", engine],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if node.poll() is not None:
                raise RuntimeError("%s exited with %d" % (binary, node.returncode))
            try:
                sock = connect(port)
            except OSError:
                time.sleep(0.0005)
                continue
            with sock:
                sock.sendall(command(b"PING"))
                reply = sock.recv(64)
            if reply == b"+PONG\r\n":
                return time.perf_counter() - started
            time.sleep(0.0005)   # answering LOADING: not ready yet
    finally:
        node.send_signal(signal.SIGTERM)
        node.wait(30)
        shutil.rmtree(directory, ignore_errors=True)


times = {old: [], new: []}
ratios = []
for round_number in range(rounds):
    order = (old, new) if round_number % 2 == 0 else (new, old)
    this_round = {binary: time_to_pong(binary) for binary in order}
    for binary, seconds in this_round.items():
        times[binary].append(seconds)
    ratios.append(this_round[new] / this_round[old])

print("engine %s, %d rounds, exec to first PONG" % (engine, rounds))
for label, binary in (("old", old), ("new", new)):
    values = times[binary]
    print("%s %s: median %.1f ms, min %.1f, max %.1f" % (label, binary, statistics.median(values) * 1000, min(values) * 1000, max(values) * 1000))
print("new/old: median of ratios %.3f" % statistics.median(ratios))

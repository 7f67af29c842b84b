"""Probe of a semi-synchronous master (perf/semisync-stall.sh): while redis-benchmark loads it,
a client SETs a key every 2 ms and times each reply; INFO of master and replica is polled for the
checkpoints (rdb_bgsave_in_progress) that overlap a slow reply.

    python3 semisync-stall.py MASTER_PORT REPLICA_PORT LOADS REQUESTS
"""
import re
import subprocess
import sys
import threading
import time

from resp_client import command, connect, stats

master, replica, loads, requests = (int(a) for a in sys.argv[1:5])
stop = threading.Event()
probes = []        # (start, seconds, error reply or None)
saving = []        # (time, "master"|"replica", checkpointing, GC pause total ms, compactions)


def reply(sock):
    data = b""
    while not data.endswith(b"\r\n") or (data.startswith(b"$") and len(data) < int(data[1:data.index(b"\r\n")]) + data.index(b"\r\n") + 4):
        data += sock.recv(1 << 16)
    return data


def probe():
    sock = connect(master)
    i = 0
    while not stop.is_set():
        started = time.perf_counter()
        sock.sendall(command(b"SET", b"probe:%d" % (i % 1000), b"x"))
        answer = reply(sock)
        probes.append((started, time.perf_counter() - started, answer.decode().strip() if answer.startswith(b"-") else None))
        i += 1
        time.sleep(0.002)


def poll():
    socks = {"master": connect(master), "replica": connect(replica)}
    while not stop.is_set():
        for name, sock in socks.items():
            sock.sendall(command(b"INFO", b"all"))
            fields = dict(line.split(":", 1) for line in reply(sock).decode(errors="replace").split("\r\n") if ":" in line)
            saving.append((time.perf_counter(), name, fields.get("rdb_bgsave_in_progress") == "1",
                           int(fields.get("gc_pause_total_ms", 0)), int(fields.get("memory_engine_compactions", 0))))
        time.sleep(0.02)


threads = [threading.Thread(target=probe), threading.Thread(target=poll)]
for t in threads:
    t.start()
rates = []
for _ in range(loads):
    out = subprocess.run(["redis-benchmark", "-p", str(master), "-c", "50", "-d", "64", "-r", "1000000", "-t", "set",
                          "-P", "16", "-n", str(requests), "-q"], capture_output=True, text=True).stdout
    rates.append(" ".join(re.findall(r"SET: ([0-9.]+) requests per second", out)) + " req/s")
stop.set()
for t in threads:
    t.join()

latest = {}
for name, port in (("master", master), ("replica", replica)):
    sock = connect(port)
    sock.sendall(command(b"LATENCY", b"LATEST"))
    time.sleep(0.2)
    latest[name] = sock.recv(1 << 16).decode(errors="replace").split("\r\n")
    sock.sendall(command(b"SLOWLOG", b"GET", b"5"))
    time.sleep(0.2)
    # Each entry: id, time, microseconds, [arguments], client address, client name: the words that are not numbers are the commands
    words = [l for l in sock.recv(1 << 16).decode(errors="replace").split("\r\n") if l and l[0] not in "*$:"]
    print("slow log, %s: %s" % (name, " ".join(words[:30]) or "empty"))
slow = [(s, d, e) for s, d, e in probes if d > 0.1]
print("load: " + " | ".join(rates))
print("probe SET: " + stats([d for _, d, _ in probes]) + "; over 100 ms: %d; errors: %d" % (len(slow), sum(1 for p in probes if p[2])))
for name, lines in latest.items():
    # LATENCY LATEST: per event a 4-element array (name, time, latest ms, max ms) of bulk strings and integers
    values = [l for l in lines if l and l[0] not in "*$"]
    events = [values[i:i + 4] for i in range(0, len(values) - 3, 4)]
    print("latency events, %s: %s" % (name, ", ".join("%s latest %s ms max %s ms" % (e[0], e[2].lstrip(":"), e[3].lstrip(":")) for e in events) or "none"))
t0 = probes[0][0]
for started, seconds, error in slow:
    window = [x for x in saving if started - 0.05 <= x[0] <= started + seconds + 0.05]
    during = sorted({name for _, name, busy, _, _ in window if busy})
    def delta(name, field):
        values = [x[field] for x in window if x[1] == name]
        return values[-1] - values[0] if values else 0
    print("  at %.2f s: %.0f ms%s; checkpointing: %s; GC pauses master %d ms, replica %d ms; compactions master %d, replica %d"
          % (started - t0, seconds * 1000, " " + error if error else "", ", ".join(during) or "neither",
             delta("master", 3), delta("replica", 3), delta("master", 4), delta("replica", 4)))

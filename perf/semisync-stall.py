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

from resp_client import command, connect, read_reply, stats

master, replica, loads, requests = (int(a) for a in sys.argv[1:5])
stop = threading.Event()
probes = []        # (start, seconds, error reply or None)
saving = []        # (time, "master"|"replica", checkpointing, GC pause total ms, compactions)


def probe():
    sock, buffer = connect(master), bytearray()
    i = 0
    while not stop.is_set():
        started = time.perf_counter()
        sock.sendall(command(b"SET", b"probe:%d" % (i % 1000), b"x"))
        answer = read_reply(sock, buffer)
        probes.append((started, time.perf_counter() - started, str(answer) if isinstance(answer, Exception) else None))
        i += 1
        time.sleep(0.002)


def poll():
    socks = {"master": (connect(master), bytearray()), "replica": (connect(replica), bytearray())}
    while not stop.is_set():
        for name, (sock, buffer) in socks.items():
            sock.sendall(command(b"INFO", b"all"))
            fields = dict(line.split(":", 1) for line in read_reply(sock, buffer).decode(errors="replace").split("\r\n") if ":" in line)
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

latest, slowlog = {}, {}
for name, port in (("master", master), ("replica", replica)):
    sock, buffer = connect(port), bytearray()
    sock.sendall(command(b"LATENCY", b"LATEST"))
    latest[name] = read_reply(sock, buffer)       # per event: name, time, latest ms, max ms
    sock.sendall(command(b"SLOWLOG", b"GET", b"5"))
    slowlog[name] = read_reply(sock, buffer)      # per entry: id, time, microseconds, arguments, client, name
slow = [(s, d, e) for s, d, e in probes if d > 0.1]
print("load: " + " | ".join(rates))
print("probe SET: " + stats([d for _, d, _ in probes]) + "; over 100 ms: %d; errors: %d" % (len(slow), sum(1 for p in probes if p[2])))
for name in latest:
    print("latency events, %s: %s" % (name, ", ".join("%s latest %d ms max %d ms" % (e[0].decode(), e[2], e[3]) for e in latest[name]) or "none"))
    print("slow log, %s: %s" % (name, ", ".join("%s %d us" % (b" ".join(e[3][:2]).decode(errors="replace"), e[2]) for e in slowlog[name]) or "empty"))
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

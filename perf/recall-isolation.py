#!/usr/bin/env python3
"""Issue 17 item 2's recall isolation: one client runs RL.RECALL over LISTS lists back to back while
others each send a command every millisecond: a GET, a SET (a writer of another key) and an RL.ADD
to one of the lists being recalled (on the memory engine it changes a copy of the pinned list);
prints each probe's p50 / p99 / max while the recalls run and before them, and the recalls' own.

    recall-isolation.py PORT LISTS SECONDS
"""
import sys
import threading
import time

from resp_client import command, connect, each_millisecond, stats

port, lists, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])




def read_reply(sock, buffer):
    """Reads one reply: a status, a bulk string or an array of bulk strings."""
    while True:
        end = buffer.find(b"\r\n")
        if end >= 0:
            kind, count = buffer[:1], buffer[1:end]
            if kind in (b"+", b"-", b":") or (kind == b"$" and count == b"-1"):
                del buffer[:end + 2]
                return
            items = int(count) if kind == b"*" else 1
            pos = end + 2 if kind == b"*" else 0
            complete = True
            for _ in range(items):
                line = buffer.find(b"\r\n", pos)
                if line < 0:
                    complete = False
                    break
                size = int(buffer[pos + 1:line])
                pos = line + 2 + size + 2
                if pos > len(buffer):
                    complete = False
                    break
            if complete:
                del buffer[:pos]
                return
        data = sock.recv(1 << 20)
        if not data:
            raise ConnectionError("server closed the connection")
        buffer.extend(data)


PROBES = {
    "GET": lambda i: command(b"GET", b"probe"),
    "SET": lambda i: command(b"SET", b"probe", b"%d" % i),
    "RL.ADD to a recalled list": lambda i: command(b"RL.ADD", b"rl:0", b"%d" % i, b"probe:%d" % (i % 1000)),
}


def probe(samples, stop, request):
    sock, buffer = connect(port), bytearray()
    for i, _ in enumerate(each_millisecond(stop)):
        start = time.perf_counter()
        sock.sendall(request(i))
        read_reply(sock, buffer)
        samples.append(time.perf_counter() - start)


def recalls(durations, stop):
    sock, buffer = connect(port), bytearray()
    args = [b"RL.RECALL", b"100", b"LISTS", b"%d" % lists]
    for i in range(lists):
        args += [b"rl:%d" % i, b"1"]
    request = command(*args)
    while not stop.is_set():
        start = time.perf_counter()
        sock.sendall(request)
        read_reply(sock, buffer)
        durations.append(time.perf_counter() - start)




quiet = {name: [] for name in PROBES}
loaded = {name: [] for name in PROBES}
durations = []
stop = threading.Event()
threads = [threading.Thread(target=probe, args=(quiet[name], stop, request)) for name, request in PROBES.items()]
for t in threads:
    t.start()
time.sleep(min(seconds, 3))
stop.set()
for t in threads:
    t.join()

stop = threading.Event()
threads = [threading.Thread(target=probe, args=(loaded[name], stop, request)) for name, request in PROBES.items()]
threads.append(threading.Thread(target=recalls, args=(durations, stop)))
for t in threads:
    t.start()
time.sleep(seconds)
stop.set()
for t in threads:
    t.join()
for name in PROBES:
    print(f"{name}, no recall:      " + stats(quiet[name]))
    print(f"{name}, recalls running: " + stats(loaded[name]))
print("RL.RECALL:          " + stats(durations))

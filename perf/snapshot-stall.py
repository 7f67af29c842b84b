#!/usr/bin/env python3
"""Issue 17 item 3's probe: while BGSAVE runs SAVES times, a client sends SET + HSET + HGET (one
pipelined round trip, so it needs the write lock and a collection) every millisecond; prints the
round trips' p50, p99 and max inside the BGSAVE windows and outside them, and the saves' durations.

    snapshot-stall.py PORT [SAVES]
"""
import sys
import threading
import time

from resp_client import command, connect, each_millisecond, stats

port = int(sys.argv[1])
saves = int(sys.argv[2]) if len(sys.argv) > 2 else 5




def read_replies(sock, count, buffer=bytearray()):
    """Reads COUNT simple replies (status, integer, or a bulk string without CRLF inside)."""
    while True:
        replies = 0
        pos = 0
        while replies < count:
            end = buffer.find(b"\r\n", pos)
            if end < 0:
                break
            if buffer[pos:pos + 1] == b"$" and buffer[pos + 1:end] != b"-1":
                end = buffer.find(b"\r\n", end + 2)
                if end < 0:
                    break
            pos = end + 2
            replies += 1
        if replies == count:
            reply = bytes(buffer[:pos])
            del buffer[:pos]
            return reply
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("server closed the connection")
        buffer.extend(data)


def info_field(sock, section, field):
    sock.sendall(command(b"INFO", section.encode()))
    header = b""
    while not header.endswith(b"\r\n"):
        header += sock.recv(1)
    length = int(header[1:-2])
    body = b""
    while len(body) < length + 2:
        body += sock.recv(length + 2 - len(body))
    for line in body.decode().splitlines():
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    return None


samples = []   # (start, seconds)
stop = threading.Event()


def probe():
    sock = connect(port)
    request = command(b"SET", b"probe:s", b"v") + command(b"HSET", b"probe:h", b"f", b"v") + command(b"HGET", b"h:0", b"f1")
    buffer = bytearray()
    for _ in each_millisecond(stop):
        start = time.perf_counter()
        sock.sendall(request)
        read_replies(sock, 3, buffer)
        samples.append((start, time.perf_counter() - start))


admin = connect(port)
thread = threading.Thread(target=probe)
thread.start()
time.sleep(0.5)
windows = []
for _ in range(saves):
    admin.sendall(command(b"BGSAVE"))
    read_replies(admin, 1)
    begin = time.perf_counter()
    time.sleep(0.01)
    while info_field(admin, "persistence", "rdb_bgsave_in_progress") != "0":
        time.sleep(0.005)
    windows.append((begin, time.perf_counter()))
    time.sleep(0.3)
stop.set()
thread.join()




inside = [s for t, s in samples if any(b - 0.002 <= t <= e for b, e in windows)]
outside = [s for t, s in samples if not any(b - 0.002 <= t <= e for b, e in windows)]
print("during BGSAVE: " + stats(inside))
print("otherwise:     " + stats(outside))
print("BGSAVE took:   " + " ".join("%.0f" % ((e - b) * 1000) for b, e in windows) + " ms")

"""BITCOUNT over a 512 MB string and BITOP over 4 x 64 MB strings (issue 15's targets): the same
random bytes loaded into every server (one SET each), then ROUNDS interleaved rounds timing each
command on each server; prints per command the median time per server and the median of the
per-round speed ratios server/reference (> 1: faster than the reference). A server that refuses
a value this large says so; all of them also count a 192 MB string.

Usage: python3 perf/bits-compare.py ROUNDS name:port [name:port ...]   (the last one is the reference)
"""
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from resp_client import command, connect  # noqa: E402



def reply(sock, buffer):
    """Reads one +, -, : or $ reply; returns (value, rest of the buffer)."""
    while b"\r\n" not in buffer:
        buffer += sock.recv(1 << 16)
    line, buffer = buffer.split(b"\r\n", 1)
    if line[:1] == b"$" and int(line[1:]) >= 0:
        size = int(line[1:])
        while len(buffer) < size + 2:
            buffer += sock.recv(1 << 20)
        return buffer[:size], buffer[size + 2:]
    if line[:1] == b"-":
        raise RuntimeError(line.decode())
    return line[1:], buffer


def run(sock, *args):
    sock.sendall(command(*args))
    value, rest = reply(sock, b"")
    assert rest == b"", rest
    return value


def load(sock, key, value):
    """False when the server refuses a value this large."""
    try:
        run(sock, b"SET", key, value)
    except RuntimeError as refused:
        if "limit" not in str(refused):
            raise
        print(f"  refused {key.decode()} ({len(value) >> 20} MB): {refused}", file=sys.stderr, flush=True)
        return False
    assert int(run(sock, b"STRLEN", key)) == len(value), key
    return True


def timed(sock, *args):
    started = time.perf_counter()
    value = run(sock, *args)
    return time.perf_counter() - started, value


def main():
    rounds = int(sys.argv[1])
    servers = [(n, int(p)) for n, p in (a.split(":") for a in sys.argv[2:])]
    socks = {name: connect(port) for name, port in servers}
    values = {b"huge": 512 << 20, b"big": 192 << 20, b"op0": 64 << 20, b"op1": 64 << 20, b"op2": 64 << 20, b"op3": 64 << 20}
    held = {}
    for seed, (key, size) in enumerate(values.items()):
        rng = random.Random(seed)
        value = b"".join(rng.randbytes(1 << 20) for _ in range(size >> 20))
        for name, sock in socks.items():
            if load(sock, key, value):
                held.setdefault(key, set()).add(name)
        del value
    print("loaded", file=sys.stderr, flush=True)
    tests = [
        ("BITCOUNT 512MB", [b"BITCOUNT", b"huge"]),
        ("BITCOUNT 512MB BIT range", [b"BITCOUNT", b"huge", b"7", b"%d" % ((512 << 23) - 9), b"BIT"]),
        ("BITCOUNT 192MB", [b"BITCOUNT", b"big"]),
        ("BITOP AND 4x64MB", [b"BITOP", b"AND", b"dest", b"op0", b"op1", b"op2", b"op3"]),
        ("BITOP OR 4x64MB", [b"BITOP", b"OR", b"dest", b"op0", b"op1", b"op2", b"op3"]),
        ("BITOP XOR 4x64MB", [b"BITOP", b"XOR", b"dest", b"op0", b"op1", b"op2", b"op3"]),
        ("BITOP NOT 64MB", [b"BITOP", b"NOT", b"dest", b"op0"]),
    ]
    times = {}
    for rnd in range(rounds):
        order = servers if rnd % 2 == 0 else servers[::-1]
        for test, args in tests:
            answers = {}
            for name, _ in order:
                if name not in held[args[1] if args[0] == b"BITCOUNT" else b"op0"]:
                    continue
                seconds, answers[name] = timed(socks[name], *args)
                times.setdefault(test, {}).setdefault(name, []).append(seconds)
            assert len(set(answers.values())) == 1, (test, answers)
        print(f"round {rnd + 1}/{rounds} done", file=sys.stderr, flush=True)
    reference = servers[-1][0]
    names = [n for n, _ in servers]
    print(f"{'command':<26}" + "".join(f"{n + ' ms':>14}" for n in names) + "".join(f"{n + '/' + reference:>18}" for n in names[:-1]) + "   per-round speed ratios")
    for test, by in times.items():
        medians = "".join(f"{statistics.median(by[n]) * 1000:>14.1f}" if n in by else f"{'-':>14}" for n in names)
        ratios = {n: [r / s for r, s in zip(by[reference], by[n])] for n in names[:-1] if n in by}
        print(f"{test:<26}{medians}" + "".join(f"{statistics.median(ratios[n]):>17.2f}x" if n in ratios else f"{'-':>18}" for n in names[:-1])
              + "   " + " | ".join(" ".join(f"{x:.2f}" for x in ratios[n]) for n in ratios))


main()

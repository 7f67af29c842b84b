"""Load for perf/proxy-takeover.sh: ACTIVE clients each looping verified commands (SET/GET of a
unique value, INCR of their own counter) one request at a time, and IDLE authenticated clients
that only answer a PING at the end. Every reply is checked; errors and disconnects are counted.
Each request's start time and latency go to a file, so latencies inside the takeover windows can
be told from the rest. Runs until the STOP file appears, then verifies every counter.

usage: proxy-takeover-load.py HOST PORT PASSWORD ACTIVE IDLE READY_FILE STOP_FILE LATENCY_FILE
"""
import asyncio, sys, time

host, port, password = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
active, idle = int(sys.argv[4]), int(sys.argv[5])
ready_file, stop_file, latency_file = sys.argv[6], sys.argv[7], sys.argv[8]
errors, disconnects, replies = [], 0, 0
samples = []   # (start, latency seconds)


def command(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


async def reply(reader):
    line = await reader.readline()
    if not line:
        raise ConnectionError("closed by the proxy")
    if line[:1] == b"$":
        n = int(line[1:-2])
        return line if n < 0 else line + await reader.readexactly(n + 2)
    return line


async def connect():
    reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
    writer.write(command("AUTH", password))
    if await reply(reader) != b"+OK\r\n":
        raise RuntimeError("AUTH failed")
    return reader, writer


async def active_client(i, stop):
    global disconnects, replies
    reader, writer = await connect()
    n = 0
    while not stop.is_set():
        key, value = f"tk:{i}:{n}", f"v:{i}:{n}"
        for args, expected in (
            (("SET", key, value), b"+OK\r\n"),
            (("GET", key), b"$%d\r\n%s\r\n" % (len(value), value.encode())),
            (("INCR", f"tc:{i}"), b":%d\r\n" % (n + 1)),
        ):
            start = time.time()
            writer.write(command(*args))
            try:
                got = await reply(reader)
            except (ConnectionError, asyncio.IncompleteReadError):
                disconnects += 1
                return n
            samples.append((start, time.time() - start))
            replies += 1
            if got != expected:
                errors.append(f"{' '.join(args)}: {got!r} instead of {expected!r}")
        n += 1
    writer.close()
    return n


async def main():
    stop = asyncio.Event()
    idle_conns = []
    for _ in range(idle):
        idle_conns.append(await connect())
    tasks = [asyncio.create_task(active_client(i, stop)) for i in range(active)]
    open(ready_file, "w").close()
    import os
    while not os.path.exists(stop_file):
        await asyncio.sleep(0.2)
    stop.set()
    counts = await asyncio.gather(*tasks)
    # Every counter must equal the INCRs its client saw answered, and every idle client must still be there.
    reader, writer = await connect()
    wrong = 0
    for i, n in enumerate(counts):
        writer.write(command("GET", f"tc:{i}"))
        got = await reply(reader)
        if n and got != b"$%d\r\n%d\r\n" % (len(str(n)), n):
            wrong += 1
    idle_lost = 0
    for r, w in idle_conns:
        w.write(command("PING"))
        try:
            if await reply(r) != b"+PONG\r\n":
                idle_lost += 1
        except (ConnectionError, asyncio.IncompleteReadError):
            idle_lost += 1
    with open(latency_file, "w") as f:
        for start, latency in samples:
            f.write(f"{start:.6f} {latency:.6f}\n")
    print(f"replies {replies} errors {len(errors)} disconnects {disconnects} wrong_counters {wrong} idle_lost {idle_lost}")
    for e in errors[:10]:
        print("error:", e)


asyncio.run(main())

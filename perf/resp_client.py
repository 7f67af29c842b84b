"""What the perf probes share: a loopback RESP connection, command encoding and latency stats."""
import socket
import time


def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def command(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def stats(values):
    """p50, p99 and max of latencies in seconds, as milliseconds."""
    if not values:
        return "no samples"
    values = sorted(values)
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))] * 1000
    return "n=%d p50=%.3f p99=%.3f max=%.3f ms" % (len(values), pick(0.5), pick(0.99), values[-1] * 1000)


def each_millisecond(stop):
    """Yields about once a millisecond until the event is set; a late turn resets the pace rather than bursting."""
    next_at = time.perf_counter()
    while not stop.is_set():
        yield
        next_at += 0.001
        pause = next_at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        else:
            next_at = time.perf_counter()

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


def read_reply(sock, buffer):
    """Reads one whole reply of any RESP2 type from sock (buffer: a bytearray kept per connection):
    bytes for simple and bulk strings, int for integers, None for nulls, lists for arrays, and an
    Exception instance for errors."""
    def parse(pos):
        end = buffer.find(b"\r\n", pos)
        if end < 0:
            return None
        kind, head, after = buffer[pos:pos + 1], bytes(buffer[pos + 1:end]), end + 2
        if kind == b"+":
            return head, after
        if kind == b"-":
            return RuntimeError(head.decode(errors="replace")), after
        if kind == b":":
            return int(head), after
        if kind == b"$":
            size = int(head)
            if size < 0:
                return None, after
            return (bytes(buffer[after:after + size]), after + size + 2) if len(buffer) >= after + size + 2 else None
        if kind == b"*":
            items = []
            for _ in range(max(int(head), 0)):
                parsed = parse(after)
                if parsed is None:
                    return None
                item, after = parsed
                items.append(item)
            return (items if int(head) >= 0 else None), after
        raise ValueError("not a RESP reply: %r" % bytes(buffer[pos:end]))

    while True:
        parsed = parse(0)
        if parsed is not None:
            value, used = parsed
            del buffer[:used]
            return value
        data = sock.recv(1 << 20)
        if not data:
            raise ConnectionError("server closed the connection")
        buffer.extend(data)

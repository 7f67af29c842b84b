#!/usr/bin/env bash
# Issue 16's targets, istore-node vs redis-server in one run:
#   1. EVALSHA of a 3-command script (INCR, EXPIRE, GET) at -P 16,
#   2. XADD at -P 16 (MAXLEN ~ so the streams stay bounded),
#   3. XREADGROUP fan-out latency: FANOUT_GROUPS consumer groups, one consumer each blocked in XREADGROUP,
#      a producer XADDing RATE entries/s stamped with the time; the latency of every delivery
#      (entry added -> group's consumer has it), p50/p99/max per server.
# Targets: EVALSHA and XADD ratios >= 1.0x, fan-out p99 <= redis's. Each throughput run also reports the
# server's CPU time per request (utime + stime over the run, all threads): waiting for a core on a busy
# machine inflates throughput ratios, not this.
#
#   perf/stream-script-compare.sh                                   # memory engine, ROUNDS=3
#   ENGINE=disk perf/stream-script-compare.sh
#   ROUNDS=1 N_P16=20000 FANOUT_SECONDS=2 ISTORE_BIN=... perf/stream-script-compare.sh   # a quick check
#
# Environment:
#   ENGINE (memory)  ROUNDS (3)  N_P16 (1000000)  CLIENTS (50)  KEYSPACE (100000)  STREAMS (16)
#   FANOUT_GROUPS (8)  RATE (2000)  FANOUT_SECONDS (10)  BENCH_TIMEOUT (600 s per run)
#   ISTORE_BIN (use this istore-node binary instead of publishing one)  KEEP_WORK=1
set -euo pipefail

ENGINE=${ENGINE:-memory}
ROUNDS=${ROUNDS:-3}
N_P1=0
N_P16=${N_P16:-1000000}
CLIENTS=${CLIENTS:-50}
DATA_SIZE=16
KEYSPACE=${KEYSPACE:-100000}
STREAMS=${STREAMS:-16}
FANOUT_GROUPS=${FANOUT_GROUPS:-8}
RATE=${RATE:-2000}
FANOUT_SECONDS=${FANOUT_SECONDS:-10}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
HOST=127.0.0.1
ISTORE_ARGS="--engine $ENGINE --appendfsync everysec"
REDIS_ARGS="--appendonly yes --appendfsync everysec"
TESTS="EVALSHA, XADD (custom commands)"
SCRIPT="redis.call('incr', KEYS[1]) redis.call('expire', KEYS[1], 3600) return redis.call('get', KEYS[1])"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_run stream-script-compare
pick_ports
start_servers run
print_setup stream-script-compare

SHA=$(rcli "$ISTORE_PORT" SCRIPT LOAD "$SCRIPT" | tr -d '\r')
[[ $(rcli "$REDIS_PORT" SCRIPT LOAD "$SCRIPT" | tr -d '\r') == "$SHA" ]] || { echo "the servers disagree on the script's SHA1" >&2; exit 1; }

# One redis-benchmark run of a custom command at -P 16; prints "<rps> <p99 ms>".
custom() {   # port args...
    local port=$1; shift
    timeout "$BENCH_TIMEOUT" redis-benchmark -h "$HOST" -p "$port" -c "$CLIENTS" -r "$KEYSPACE" -P 16 -n "$N_P16" --csv -q "$@" 2>/dev/null \
        | tr -d '\r' | awk -F'","' 'NR > 1 { r=$2; gsub(/"/, "", r); p=$7; gsub(/"/, "", p); print r, p }'
}

# A process's CPU time so far, in clock ticks (utime + stime).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

raw=$WORK/throughput.txt
: >"$raw"
for round in $(seq 1 "$ROUNDS"); do
    for server in istore redis; do
        port=$ISTORE_PORT; pid=$ISTORE_PID
        [[ $server == redis ]] && { port=$REDIS_PORT; pid=$REDIS_PID; }
        for test in EVALSHA XADD; do
            before=$(cpu_ticks "$pid")
            if [[ $test == EVALSHA ]]; then
                out=$(custom "$port" EVALSHA "$SHA" 1 "counter:__rand_int__")
            else
                out=$(custom "$port" XADD "stream:$((RANDOM % STREAMS))" MAXLEN '~' 10000 '*' field value-__rand_int__)
            fi
            [[ -n "$out" ]] || { echo "redis-benchmark $test against $server gave no result" >&2; exit 1; }
            read -r rps p99 <<<"$out"
            cpu_us=$(python3 -c "import os; print(($(cpu_ticks "$pid") - $before) * 1e6 / os.sysconf('SC_CLK_TCK') / $N_P16)")
            echo "16 $round $server $test $rps $p99 $cpu_us" >>"$raw"
            log "round $round/$ROUNDS $server $test -P 16: $rps req/s, p99 $p99 ms, $(printf %.2f "$cpu_us") us CPU/request"
        done
    done
done
python3 - "$raw" <<'PY'
import statistics, sys
data = {}
for p, rnd, server, test, rps, p99, cpu in (line.split() for line in open(sys.argv[1]) if line.strip()):
    data.setdefault(test, {}).setdefault(int(rnd), {})[server] = (float(rps), float(p99), float(cpu))
print("Throughput at -P 16 (requests/s; ratio = istore/redis, median of the per-round ratios; p99 in ms; server CPU us/request, medians)")
print(f"{'test':<10}{'median ratio':>14}{'istore median':>16}{'redis median':>15}{'istore p99':>12}{'redis p99':>11}{'istore cpu':>12}{'redis cpu':>11}")
for test, rounds in data.items():
    rounds = rounds.values()
    med = lambda server, i: statistics.median(r[server][i] for r in rounds)
    ratio = statistics.median(r["istore"][0] / r["redis"][0] for r in rounds)
    print(f"{test:<10}{ratio:>13.2f}x{med('istore', 0):>16,.0f}{med('redis', 0):>15,.0f}{med('istore', 1):>12.3f}{med('redis', 1):>11.3f}{med('istore', 2):>12.2f}{med('redis', 2):>11.2f}")
print()
PY

# The fan-out: raw RESP over sockets, one thread per group's consumer, one producer.
fanout() {   # port label
    python3 - "$HOST" "$1" "$2" "$FANOUT_GROUPS" "$RATE" "$FANOUT_SECONDS" <<'PY'
import socket, sys, threading, time
host, port, label, groups, rate, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])

def connect():
    s = socket.create_connection((host, port)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s, s.makefile("rb")

def send(s, *args):
    s.sendall(b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a), a) for a in (x if isinstance(x, bytes) else str(x).encode() for x in args)]))

def read(f):
    line = f.readline()
    kind, rest = line[:1], line[1:-2]
    if kind in (b"+", b"-", b":"):
        return rest
    if kind == b"$":
        n = int(rest); return None if n < 0 else f.read(n + 2)[:-2]
    if kind in (b"*", b"%"):
        n = int(rest); return None if n < 0 else [read(f) for _ in range(n * (2 if kind == b"%" else 1))]
    raise RuntimeError(line)

s, f = connect()
send(s, "DEL", "fanout"); read(f)
for g in range(groups):
    send(s, "XGROUP", "CREATE", "fanout", f"g{g}", "$", "MKSTREAM"); read(f)
latencies, lock, stop = [], threading.Lock(), threading.Event()

def consume(g):
    c, cf = connect()
    while not stop.is_set():
        send(c, "XREADGROUP", "GROUP", f"g{g}", "c", "COUNT", "100", "BLOCK", "200", "NOACK", "STREAMS", "fanout", ">")
        reply = read(cf)
        now = time.perf_counter_ns()
        if not reply:
            continue
        for entry in reply[0][1]:
            sent = int(entry[1][1])
            with lock:
                latencies.append((now - sent) / 1e6)

threads = [threading.Thread(target=consume, args=(g,), daemon=True) for g in range(groups)]
for t in threads: t.start()
time.sleep(0.5)
interval, start = 1.0 / rate, time.perf_counter()
sent = 0
while time.perf_counter() - start < seconds:
    send(s, "XADD", "fanout", "MAXLEN", "~", "100000", "*", "t", time.perf_counter_ns()); read(f)
    sent += 1
    delay = start + sent * interval - time.perf_counter()
    if delay > 0: time.sleep(delay)
time.sleep(0.5)
stop.set()
for t in threads: t.join(2)
with lock:
    got = sorted(latencies)
q = lambda p: got[min(len(got) - 1, int(p * len(got)))] if got else float("nan")
print(f"{label:<8}{sent:>8}{len(got):>12}{q(0.5):>10.3f}{q(0.99):>10.3f}{got[-1] if got else float('nan'):>10.3f}")
PY
}
echo "XREADGROUP fan-out: $FANOUT_GROUPS groups, $RATE XADD/s for $FANOUT_SECONDS s; latency XADD sent -> consumer has it (ms)"
printf '%-8s%8s%12s%10s%10s%10s\n' server added deliveries p50 p99 max
fanout "$ISTORE_PORT" istore
fanout "$REDIS_PORT" redis

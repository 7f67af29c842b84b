#!/usr/bin/env bash
# istore-node (Native AOT) vs redis-server, side by side on this machine.
#
#   perf/load-compare.sh                 # ROUNDS=5, N_P1=200000, N_P16=1000000
#   ROUNDS=3 N_P16=500000 perf/load-compare.sh
#   TESTS=lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange_100,lrange_600,mset \
#     MEMORY="hash set zset" perf/load-compare.sh          # the collections comparison
#
# 1. Throughput: redis-benchmark -c 50 -d 64 -r 100000 -t $TESTS at -P 1 and -P 16, the two
#    servers interleaved (istore, redis, istore, redis, ...) for ROUNDS rounds; prints, per test,
#    the median of the per-round ratios istore/redis and each server's median requests/s.
# 2. Memory, for each shape in MEMORY: FLUSHALL, load exactly RSS_KEYS (1,000,000) elements through
#    redis-cli --pipe, wait a second, read VmRSS of both processes; once in the servers that ran
#    the benchmark, then again in freshly restarted ones (RSS_FRESH=0 skips that). Shapes:
#    strings (SET key:i <64 bytes>), hash (HSET myhash element:i <DATA_SIZE bytes> into one key),
#    set (SADD myset element:i), zset (ZADD myzset i element:i) — as redis-benchmark writes them.
#
# Both servers listen on 127.0.0.1 only, on free ports, with their own temporary directories;
# both are stopped by PID on exit. Every external command runs under a timeout.
#
# Environment:
#   ROUNDS (5)  N_P1 (200000)  N_P16 (1000000)  CLIENTS (50)  DATA_SIZE (64)  KEYSPACE (100000)
#   TESTS (set,get)  MEMORY (strings)  RSS_KEYS (1000000)  BENCH_TIMEOUT (seconds per redis-benchmark run, 600)
#   ISTORE_BIN (use this istore-node binary instead of publishing one)
#   ISTORE_ARGS (extra istore-node arguments, default none)  KEEP_WORK=1 (keep the temp directory)
#   RSS_FRESH (1: also measure memory on freshly restarted servers; 0: skip)
set -euo pipefail

ROUNDS=${ROUNDS:-5}
N_P1=${N_P1:-200000}
N_P16=${N_P16:-1000000}
CLIENTS=${CLIENTS:-50}
DATA_SIZE=${DATA_SIZE:-64}
KEYSPACE=${KEYSPACE:-100000}
RSS_KEYS=${RSS_KEYS:-1000000}
TESTS=${TESTS:-set,get}
MEMORY=${MEMORY:-strings}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
ISTORE_ARGS=${ISTORE_ARGS:-}
HOST=127.0.0.1

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/istore-load-compare.XXXXXX")
ISTORE_PID=""
REDIS_PID=""

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

stop_pid() {
    local pid=$1 name=$2
    [[ -n "$pid" ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do           # up to 10 s for a clean shutdown (istore checkpoints on SIGTERM)
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    log "$name (pid $pid) did not stop in 10 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    stop_pid "$ISTORE_PID" istore-node
    stop_pid "$REDIS_PID" redis-server
    if [[ "${KEEP_WORK:-0}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- prerequisites ---------------------------------------------------------------------------
need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
{ command -v redis-benchmark >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; } || need_apt+=(redis-tools)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if ((${#need_apt[@]})); then
    SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO=sudo
    log "installing: redis-server redis-tools ${need_apt[*]}"
    timeout 600 $SUDO apt-get update
    timeout 900 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server redis-tools "${need_apt[@]}"
fi
command -v dotnet >/dev/null 2>&1 || [[ -n "${ISTORE_BIN:-}" ]] || { echo "dotnet SDK not found (or set ISTORE_BIN)" >&2; exit 1; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_ready() {   # port name pid
    for _ in $(seq 1 300); do       # up to 30 s
        kill -0 "$3" 2>/dev/null || { echo "$2 exited during startup; log:" >&2; cat "$WORK/$2.log" >&2 || true; exit 1; }
        if [[ $(timeout 2 redis-cli -h "$HOST" -p "$1" PING 2>/dev/null || true) == PONG ]]; then return 0; fi
        sleep 0.1
    done
    echo "$2 did not answer PING on $HOST:$1 within 30 s" >&2
    exit 1
}

rcli() { timeout 60 redis-cli -h "$HOST" -p "$@"; }

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# --- build and start -------------------------------------------------------------------------
if [[ -n "${ISTORE_BIN:-}" ]]; then
    ISTORE=$ISTORE_BIN
else
    log "publishing istore-node (Native AOT) into $WORK/publish"
    timeout 1200 dotnet publish "$REPO/node/Istore.Node.csproj" -c Release -r linux-x64 -o "$WORK/publish" -nologo -v quiet >"$WORK/publish.log" 2>&1 \
        || { tail -40 "$WORK/publish.log" >&2; exit 1; }
    ISTORE=$WORK/publish/istore-node
fi
[[ -x "$ISTORE" ]] || { echo "no istore-node binary at $ISTORE" >&2; exit 1; }

ISTORE_PORT=$(free_port)
REDIS_PORT=$(free_port)
while [[ "$REDIS_PORT" == "$ISTORE_PORT" ]]; do REDIS_PORT=$(free_port); done

start_servers() {   # label: each server gets fresh data directories under $WORK/<label>
    mkdir -p "$WORK/$1/istore-data" "$WORK/$1/redis-data"
    # shellcheck disable=SC2086  # ISTORE_ARGS is a word list on purpose
    "$ISTORE" --bind "$HOST" --port "$ISTORE_PORT" --dir "$WORK/$1/istore-data" $ISTORE_ARGS >"$WORK/istore-node.log" 2>&1 &
    ISTORE_PID=$!
    redis-server --bind "$HOST" --port "$REDIS_PORT" --save '' --appendonly no --daemonize no \
        --dir "$WORK/$1/redis-data" --logfile "$WORK/redis-server.log" >/dev/null 2>&1 &
    REDIS_PID=$!
    wait_ready "$ISTORE_PORT" istore-node "$ISTORE_PID"
    wait_ready "$REDIS_PORT" redis-server "$REDIS_PID"
}

stop_servers() {
    stop_pid "$ISTORE_PID" istore-node; ISTORE_PID=""
    stop_pid "$REDIS_PID" redis-server; REDIS_PID=""
}

start_servers run
echo "== load-compare $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), kernel $(uname -r)"
echo "istore-node: $ISTORE (pid $ISTORE_PID, $HOST:$ISTORE_PORT, $(rcli "$ISTORE_PORT" INFO server | tr -d '\r' | awk -F: '/^redis_version:/ {print "version " $2}'))${ISTORE_ARGS:+ args: $ISTORE_ARGS}"
echo "redis-server: $(redis-server --version | awk '{print $3}') (pid $REDIS_PID, $HOST:$REDIS_PORT, --save '' --appendonly no)"
echo "redis-benchmark -c $CLIENTS -d $DATA_SIZE -r $KEYSPACE -t $TESTS --csv -q; -n $N_P1 at -P 1, -n $N_P16 at -P 16; $ROUNDS interleaved rounds"
echo

# --- throughput ------------------------------------------------------------------------------
bench() {   # port pipeline requests -> "<TEST> <rps>" lines ("LRANGE_100 (first 100 elements)" -> LRANGE_100)
    timeout "$BENCH_TIMEOUT" redis-benchmark -h "$HOST" -p "$1" -c "$CLIENTS" -d "$DATA_SIZE" -r "$KEYSPACE" \
        -t "$TESTS" -P "$2" -n "$3" --csv -q 2>/dev/null \
        | tr -d '\r' | awk -F'","' 'NR > 1 && $1 !~ /needed to benchmark/ { t=$1; gsub(/"/, "", t); sub(/ .*/, "", t); r=$2; gsub(/"/, "", r); print t, r }'
}

RAW=$WORK/throughput.txt
: >"$RAW"
for P in 1 16; do
    N=$N_P1; [[ $P == 16 ]] && N=$N_P16
    for round in $(seq 1 "$ROUNDS"); do
        for server in istore redis; do
            port=$ISTORE_PORT; [[ $server == redis ]] && port=$REDIS_PORT
            out=$(bench "$port" "$P" "$N") || true
            if [[ -z "$out" ]]; then
                echo "redis-benchmark against $server at -P $P round $round gave no result (timeout ${BENCH_TIMEOUT}s?)" >&2
                exit 1
            fi
            while read -r test rps; do
                echo "$P $round $server $test $rps" >>"$RAW"
                log "P=$P round $round/$ROUNDS $server $test $rps req/s"
            done <<<"$out"
        done
    done
done

python3 - "$RAW" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
data = {}
for p, rnd, server, test, rps in rows:
    data.setdefault((int(p), test), {}).setdefault(int(rnd), {})[server] = float(rps)
print("Throughput (requests/s; ratio = istore/redis, median of the per-round ratios)")
print(f"{'test':<10}{'median ratio':>14}{'istore median':>16}{'redis median':>15}   per-round ratios")
for (p, test) in sorted(data, key=lambda k: k[0]):
    rounds = data[(p, test)]
    ratios = [r["istore"] / r["redis"] for r in rounds.values()]
    ist = statistics.median(r["istore"] for r in rounds.values())
    red = statistics.median(r["redis"] for r in rounds.values())
    print(f"{test + ' -P ' + str(p):<10}{statistics.median(ratios):>13.2f}x{ist:>16,.0f}{red:>15,.0f}   "
          + " ".join(f"{x:.2f}" for x in ratios))
PY
echo

# --- memory ----------------------------------------------------------------------------------
generate_load() {   # shape -> RESP commands on stdout: RSS_KEYS elements of that shape
    python3 - "$1" "$RSS_KEYS" "$DATA_SIZE" <<'PY'
import sys
shape, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
value = b"v" * size
def command(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)
make = {
    "strings": lambda i: command(b"SET", b"key:%d" % i, value),
    "hash": lambda i: command(b"HSET", b"myhash", b"element:%d" % i, value),
    "set": lambda i: command(b"SADD", b"myset", b"element:%d" % i),
    "zset": lambda i: command(b"ZADD", b"myzset", b"%d" % i, b"element:%d" % i),
}[shape]
out = sys.stdout.buffer
for start in range(0, n, 10000):
    out.write(b"".join(make(i) for i in range(start, min(n, start + 10000))))
PY
}

measure_rss() {   # title shape
    local -A rss_empty rss_full keys
    local server port pid piped
    for server in istore redis; do
        port=$ISTORE_PORT; pid=$ISTORE_PID
        [[ $server == redis ]] && { port=$REDIS_PORT; pid=$REDIS_PID; }
        [[ $(rcli "$port" FLUSHALL | tr -d '\r') == OK ]] || { echo "FLUSHALL failed on $server" >&2; exit 1; }
        sleep 1
        rss_empty[$server]=$(rss_kb "$pid")
        log "loading $RSS_KEYS $2 elements into $server ($1)"
        piped=$(timeout 600 redis-cli -h "$HOST" -p "$port" --pipe <"$WORK/load-$2.resp" 2>&1 | tr -d '\r')
        grep -q "errors: 0, replies: $RSS_KEYS" <<<"$piped" || { echo "redis-cli --pipe into $server: $piped" >&2; exit 1; }
        sleep 1
        rss_full[$server]=$(rss_kb "$pid")
        keys[$server]=$(rcli "$port" DBSIZE | tr -d '\r')
    done
    echo "Memory, $1: $RSS_KEYS $2 elements (${DATA_SIZE}-byte values where the shape has values), FLUSHALL then redis-cli --pipe, VmRSS 1 s after the load"
    printf '%-8s %10s %14s %14s %16s\n' server DBSIZE "RSS flushed" "RSS loaded" "loaded-flushed"
    for server in istore redis; do
        awk -v s="$server" -v k="${keys[$server]}" -v e="${rss_empty[$server]}" -v f="${rss_full[$server]}" \
            'BEGIN { printf "%-8s %10s %10.1f MiB %10.1f MiB %12.1f MiB\n", s, k, e / 1024, f / 1024, (f - e) / 1024 }'
    done
    python3 -c 'import sys; i, r, ie, re = map(int, sys.argv[1:]); print(f"RSS ratio istore/redis (loaded): {i / r:.2f}x  ({i} kB / {r} kB); growth ratio (loaded-flushed): {(i - ie) / max(1, r - re):.2f}x")' \
        "${rss_full[istore]}" "${rss_full[redis]}" "${rss_empty[istore]}" "${rss_empty[redis]}"
    echo
}

for shape in $MEMORY; do
    log "generating $RSS_KEYS $shape elements"
    generate_load "$shape" >"$WORK/load-$shape.resp"
done

for shape in $MEMORY; do measure_rss "after the throughput runs (same processes)" "$shape"; done

if [[ "${RSS_FRESH:-1}" == 1 ]]; then
    # The same loads into just-started servers: no high-water mark left by the benchmark runs.
    for shape in $MEMORY; do
        stop_servers
        start_servers "fresh-$shape"
        measure_rss "freshly started servers" "$shape"
    done
fi

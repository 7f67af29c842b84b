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
REDIS_ARGS="--appendonly no"

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
stop_servers_on_exit
ensure_tools

# --- build and start -------------------------------------------------------------------------
istore_binary

pick_ports

start_servers run
print_setup load-compare

# --- throughput ------------------------------------------------------------------------------
throughput_rounds
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

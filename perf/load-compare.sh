#!/usr/bin/env bash
# istore-node (Native AOT) vs redis-server, side by side on this machine.
#
#   perf/load-compare.sh                 # ROUNDS=5, N_P1=200000, N_P16=1000000
#   ROUNDS=3 N_P16=500000 perf/load-compare.sh
#
# 1. Throughput: redis-benchmark -c 50 -d 64 -r 100000 -t set,get at -P 1 and -P 16, the two
#    servers interleaved (istore, redis, istore, redis, ...) for ROUNDS rounds; prints, per test,
#    the median of the per-round ratios istore/redis and each server's median requests/s.
# 2. Memory: FLUSHALL, load exactly RSS_KEYS (1,000,000) keys key:0..key:N-1 with 64-byte values
#    through redis-cli --pipe, wait a second, read VmRSS of both processes; once in the servers
#    that ran the benchmark, then again in freshly restarted ones (RSS_FRESH=0 skips that).
#
# Both servers listen on 127.0.0.1 only, on free ports, with their own temporary directories;
# both are stopped by PID on exit. Every external command runs under a timeout.
#
# Environment:
#   ROUNDS (5)  N_P1 (200000)  N_P16 (1000000)  CLIENTS (50)  DATA_SIZE (64)  KEYSPACE (100000)
#   RSS_KEYS (1000000)  BENCH_TIMEOUT (seconds per redis-benchmark run, 600)
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
log "generating $RSS_KEYS SET commands (${DATA_SIZE}-byte values)"
set_commands 0 "$RSS_KEYS" "$DATA_SIZE" >"$WORK/load.resp"

measure_rss() {   # title
    local -A rss_empty rss_full keys
    local server port pid piped
    for server in istore redis; do
        port=$ISTORE_PORT; pid=$ISTORE_PID
        [[ $server == redis ]] && { port=$REDIS_PORT; pid=$REDIS_PID; }
        [[ $(rcli "$port" FLUSHALL | tr -d '\r') == OK ]] || { echo "FLUSHALL failed on $server" >&2; exit 1; }
        sleep 1
        rss_empty[$server]=$(rss_kb "$pid")
        log "loading $RSS_KEYS keys into $server ($1)"
        piped=$(timeout 600 redis-cli -h "$HOST" -p "$port" --pipe <"$WORK/load.resp" 2>&1 | tr -d '\r')
        grep -q "errors: 0, replies: $RSS_KEYS" <<<"$piped" || { echo "redis-cli --pipe into $server: $piped" >&2; exit 1; }
        sleep 1
        rss_full[$server]=$(rss_kb "$pid")
        keys[$server]=$(rcli "$port" DBSIZE | tr -d '\r')
    done
    echo "Memory, $1: $RSS_KEYS keys key:0..key:$((RSS_KEYS - 1)), ${DATA_SIZE}-byte values, FLUSHALL then redis-cli --pipe, VmRSS 1 s after the load"
    printf '%-8s %10s %14s %14s %16s\n' server DBSIZE "RSS flushed" "RSS loaded" "loaded-flushed"
    for server in istore redis; do
        awk -v s="$server" -v k="${keys[$server]}" -v e="${rss_empty[$server]}" -v f="${rss_full[$server]}" \
            'BEGIN { printf "%-8s %10s %10.1f MiB %10.1f MiB %12.1f MiB\n", s, k, e / 1024, f / 1024, (f - e) / 1024 }'
    done
    python3 -c 'import sys; i, r = map(int, sys.argv[1:]); print(f"RSS ratio istore/redis (loaded): {i / r:.2f}x  ({i} kB / {r} kB)")' \
        "${rss_full[istore]}" "${rss_full[redis]}"
    echo
}

measure_rss "after the throughput runs (same processes)"

if [[ "${RSS_FRESH:-1}" == 1 ]]; then
    # The same load into just-started servers: no high-water mark left by the benchmark runs.
    stop_servers
    start_servers fresh
    measure_rss "freshly started servers"
fi

#!/usr/bin/env bash
# istore-node --engine disk vs redis-server with its append-only file (appendfsync everysec).
#
#   perf/disk-compare.sh                        # KEYS=5000000 ROUNDS=3
#   KEYS=1000000 ROUNDS=5 perf/disk-compare.sh
#
# 1. Load: KEYS keys key:0..key:KEYS-1 with DATA_SIZE-byte values into each server through
#    redis-cli --pipe (istore first, then redis), timed; then DBSIZE, RSS and bytes on disk.
# 2. Throughput: redis-benchmark -c 50 -d DATA_SIZE -r KEYS -t set,get at -P 1 and -P 16, the two
#    servers interleaved for ROUNDS rounds; median ratio istore/redis, medians of requests/s and p99.
# 3. RSS and bytes on disk again, and istore's RocksDB figures (INFO memory).
#
# Both servers persist every write: istore-node --engine disk --appendfsync everysec (RocksDB's
# WAL, fsync'd once a second), redis-server --appendonly yes --appendfsync everysec.
#
# Environment:
#   KEYS (5000000)  ROUNDS (3)  N_P1 (200000)  N_P16 (1000000)  CLIENTS (50)  DATA_SIZE (64)
#   BLOCK_CACHE (istore's --rocksdb-block-cache, 256mb)  BENCH_TIMEOUT (600 s per run)
#   ISTORE_BIN (use this istore-node binary instead of publishing one)  KEEP_WORK=1
set -euo pipefail

KEYS=${KEYS:-5000000}
ROUNDS=${ROUNDS:-3}
N_P1=${N_P1:-200000}
N_P16=${N_P16:-1000000}
CLIENTS=${CLIENTS:-50}
DATA_SIZE=${DATA_SIZE:-64}
BLOCK_CACHE=${BLOCK_CACHE:-256mb}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
KEYSPACE=$KEYS
HOST=127.0.0.1
ISTORE_ARGS="--engine disk --appendfsync everysec --rocksdb-block-cache $BLOCK_CACHE"
REDIS_ARGS="--appendonly yes --appendfsync everysec"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_run disk-compare
pick_ports
start_servers run
print_setup disk-compare

figures() {   # title
    echo "$1"
    printf '%-8s %10s %12s %14s\n' server DBSIZE RSS "on disk"
    for server in istore redis; do
        local port=$ISTORE_PORT pid=$ISTORE_PID dir=$WORK/run/istore-data
        [[ $server == redis ]] && { port=$REDIS_PORT; pid=$REDIS_PID; dir=$WORK/run/redis-data; }
        printf '%-8s %10s %8.1f MiB %10.1f MiB\n' "$server" "$(rcli "$port" DBSIZE | tr -d '\r')" \
            "$(rss_kb "$pid" | awk '{print $1 / 1024}')" "$(du -sk "$dir" | awk '{print $1 / 1024}')"
    done
    rcli "$ISTORE_PORT" INFO memory | tr -d '\r' | grep -E '^disk_engine_(sst_bytes|memtable_bytes|block_cache_(capacity|usage)|pending_compaction_bytes|estimated_keys):' | sed 's/^/  istore /'
    echo
}

for server in istore redis; do
    port=$ISTORE_PORT; [[ $server == redis ]] && port=$REDIS_PORT
    log "loading $KEYS keys into $server"
    start=$(date +%s%N)
    piped=$(set_commands 0 "$KEYS" "$DATA_SIZE" | timeout 3600 redis-cli -h "$HOST" -p "$port" --pipe 2>&1 | tr -d '\r')
    grep -q "errors: 0, replies: $KEYS" <<<"$piped" || { echo "redis-cli --pipe into $server: $piped" >&2; exit 1; }
    awk -v s="$server" -v k="$KEYS" -v ns="$(( $(date +%s%N) - start ))" \
        'BEGIN { t = ns / 1e9; printf "load %s: %d keys in %.1f s (%.0f keys/s, generator included)\n", s, k, t, k / t }'
done
echo
figures "After the load (RSS in MiB, data directory size)"

throughput_rounds
echo
figures "After the throughput rounds"

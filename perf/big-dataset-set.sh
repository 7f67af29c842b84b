#!/usr/bin/env bash
# SET throughput over a big dataset while the log keeps growing: what automatic checkpoints cost.
# Each server in turn (never two at once: each holds ~1 GB): load KEYS keys of SIZE bytes, wait for
# any checkpoint (or AOF rewrite) to end, then time N SETs over the same keys at -P 16 and count the
# checkpoints that ran meanwhile. istore-node runs with its defaults (memory engine, log fsync'd
# every second); redis-server with AOF everysec and its auto-aof-rewrite defaults (100%, 64mb).
#
#   flock /tmp/istore-bench.lock perf/big-dataset-set.sh
#   OLD_BIN=/tmp/old/istore-node ISTORE_BIN=/tmp/new/istore-node ROUNDS=2 perf/big-dataset-set.sh
#
# Environment: ISTORE_BIN (default: Native AOT publish)  OLD_BIN (another istore-node, run
#   interleaved)  ROUNDS (2)  KEYS (3000000)  SIZE (200)  N (6000000)  KEEP_WORK=1
set -euo pipefail

ROUNDS=${ROUNDS:-2}
KEYS=${KEYS:-3000000}
SIZE=${SIZE:-200}
N=${N:-6000000}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_side_by_side big-dataset-set
istore_binary

persistence() { timeout 10 redis-cli -h "$HOST" -p "$1" INFO persistence | tr -d '\r'; }
field() { persistence "$1" | awk -F: -v f="$2" '$1 == f {print $2}'; }

run() {   # label command...
    local label=$1; shift
    start_named "$label" "$@"
    local i=$((${#PORTS[@]} - 1)) port=${PORTS[-1]}
    timeout 600 redis-benchmark -h "$HOST" -p "$port" -c 50 -d "$SIZE" -r "$KEYS" -t set -n $((KEYS * 2)) -P 16 -q >/dev/null
    while [[ $(field "$port" rdb_bgsave_in_progress) != 0 || $(field "$port" aof_rewrite_in_progress) != 0 ]]; do sleep 0.5; done
    local before after rps used
    before=$(( $(field "$port" rdb_saves) + $(grep -c "AOF rewrite finished" "$WORK/$label.log" || true) ))
    rps=$(timeout 600 redis-benchmark -h "$HOST" -p "$port" -c 50 -d "$SIZE" -r "$KEYS" -t set -n "$N" -P 16 --csv | tail -1 | cut -d, -f2 | tr -d '"')
    after=$(( $(field "$port" rdb_saves) + $(grep -c "AOF rewrite finished" "$WORK/$label.log" || true) ))
    used=$(timeout 10 redis-cli -h "$HOST" -p "$port" INFO memory | tr -d '\r' | awk -F: '$1 == "used_memory_human" {print $2}')
    printf '%-10s %12s req/s  checkpoints or rewrites during the run: %2d  used_memory %s  aof_base_size %s\n' \
        "$label" "$rps" $((after - before)) "$used" "$(field "$port" aof_base_size)"
    stop_pid "${PIDS[$i]}" "$label"
}

print_header() {
    echo "big-dataset-set: $KEYS keys x $SIZE B loaded, then $N SETs -P 16 -c 50 over them ($(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg))"
}

print_header
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round"
    run "istore$round" "$ISTORE"
    [[ -n "${OLD_BIN:-}" ]] && run "old$round" "$OLD_BIN"
    run "redis$round" redis-server --appendonly yes --appendfsync everysec --save ""
done
echo "done (load: $(cut -d' ' -f1-3 /proc/loadavg))"

#!/usr/bin/env bash
# Writes to spilled records: two istore-node builds side by side, each a memory engine holding far
# more than its --maxmemory (so most records live in memory/hlog on disk), with two event loops.
# Per round, interleaved (A then B, the next round B then A): SET -P 16 over the spilled keys from
# 50 clients spread over the loops (req/s, p50, p99: a writer waits while another loop holds the
# keyspace lock), then INFO's memory_engine_pending_reads/_writes (disk waits outside and inside
# the lock; a build without those fields prints 0).
#
#   A=/path/old/istore-node B=/path/new/istore-node ROUNDS=4 flock /tmp/istore-bench.lock perf/spill-writes-ab.sh
#
# Environment: A, B (istore-node binaries)  ROUNDS (4)  KEYS (1000000)  N (500000 SETs a round)
#   MAXMEMORY (32mb)  THREADS (2)  KEEP_WORK=1
set -euo pipefail

ROUNDS=${ROUNDS:-4}
KEYS=${KEYS:-1000000}
N=${N:-500000}
MAXMEMORY=${MAXMEMORY:-32mb}
THREADS=${THREADS:-2}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
[[ -x "${A:-}" && -x "${B:-}" ]] || { echo "set A and B to the istore-node binaries to compare" >&2; exit 1; }
begin_side_by_side spill-writes-ab

declare -A PORT
for side in A B; do
    start_named "$side" "${!side}" --maxmemory "$MAXMEMORY" --threads "$THREADS"
    PORT[$side]=${PORTS[-1]}
    log "loading $KEYS keys into $side"
    set_commands 0 "$KEYS" 64 | timeout 600 redis-cli -h "$HOST" -p "${PORT[$side]}" --pipe >/dev/null
done

info_field() { rcli "$1" INFO memory | tr -d '\r' | awk -F: -v f="$2" '$1 == f {v = $2} END {print v + 0}'; }

echo "== spill-writes-ab $(date -u '+%Y-%m-%dT%H:%M:%SZ'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpu(s)"
echo "A: $A"
echo "B: $B"
echo "each: --maxmemory $MAXMEMORY --threads $THREADS, $KEYS keys x 64 bytes"
for side in A B; do
    echo "$side: log head $(info_field "${PORT[$side]}" memory_engine_log_head_address), tail $(info_field "${PORT[$side]}" memory_engine_log_tail_address)"
done
for round in $(seq 1 "$ROUNDS"); do
    order=(A B); (( round % 2 == 0 )) && order=(B A)
    for side in "${order[@]}"; do
        port=${PORT[$side]}
        reads=$(info_field "$port" memory_engine_pending_reads); writes=$(info_field "$port" memory_engine_pending_writes)
        read -r rps p50 p99 <<<"$(timeout 600 redis-benchmark -h "$HOST" -p "$port" -c 50 -P 16 -d 64 -r "$KEYS" -t set -n "$N" --csv -q 2>/dev/null \
            | tr -d '\r"' | awk -F, 'NR > 1 {print $2, $5, $7}')"
        reads=$(( $(info_field "$port" memory_engine_pending_reads) - ${reads:-0} ))
        writes=$(( $(info_field "$port" memory_engine_pending_writes) - ${writes:-0} ))
        echo "round $round: $side SET -P 16 $rps req/s, p50 $p50 ms, p99 $p99 ms; disk waits: $reads reads, $writes writes (in the lock)"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Two istore-node builds, each a master with one replica, and redis-server's pair, on loopback:
# per round, interleaved (A, B, redis; the next round the other way), SET -P 16 with the replica
# attached, then each istore master semi-synchronous (CONFIG SET sync-replicas 1) at -P 16 and
# -P 1 -c 1. Prints every round; the medians of the ratios are left to the reader (RESULTS.md).
#
#   A=/path/old/istore-node B=/path/new/istore-node ROUNDS=8 flock /tmp/istore-bench.lock perf/replication-ab.sh
#
# Environment: A, B (istore-node binaries)  ROUNDS (6)  N (1000000 SETs per -P 16 run)  KEYS (1000000)  KEEP_WORK=1
set -euo pipefail

ROUNDS=${ROUNDS:-6}
N=${N:-1000000}
KEYS=${KEYS:-1000000}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
[[ -x "${A:-}" && -x "${B:-}" ]] || { echo "set A and B to the istore-node binaries to compare" >&2; exit 1; }
begin_side_by_side replication-ab

declare -A MASTER
for side in A B redis; do
    if [[ $side == redis ]]; then
        start_named redis-master redis-server --save '' --repl-backlog-size 64mb
        MASTER[$side]=${PORTS[-1]}
        start_named redis-replica redis-server --save '' --replicaof "$HOST" "${MASTER[$side]}"
    else
        start_named "$side-master" "${!side}"
        MASTER[$side]=${PORTS[-1]}
        start_named "$side-replica" "${!side}" --replicaof "$HOST:${MASTER[$side]}"
    fi
    until rcli "${PORTS[-1]}" INFO replication | tr -d '\r' | grep -q '^master_link_status:up'; do sleep 0.1; done
done

bench() {   # port pipeline clients requests -> "rps p50"
    timeout 600 redis-benchmark -h "$HOST" -p "$1" -P "$2" -c "$3" -n "$4" -d 64 -r "$KEYS" -t set --csv -q 2>/dev/null \
        | tr -d '\r"' | awk -F, 'NR > 1 {print $2, $5}'
}

echo "== replication-ab $(date -u '+%Y-%m-%dT%H:%M:%SZ'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpu(s)"
echo "A: $A"
echo "B: $B"
for round in $(seq 1 "$ROUNDS"); do
    order=(A B redis); (( round % 2 == 0 )) && order=(redis B A)
    declare -A SET
    for side in "${order[@]}"; do read -r SET[$side] _ <<<"$(bench "${MASTER[$side]}" 16 50 "$N")"; done
    echo "round $round: SET -P 16 with a replica: A ${SET[A]} B ${SET[B]} redis ${SET[redis]}" \
        "A/redis $(awk -v a="${SET[A]}" -v b="${SET[redis]}" 'BEGIN {printf "%.3f", a / b}')" \
        "B/redis $(awk -v a="${SET[B]}" -v b="${SET[redis]}" 'BEGIN {printf "%.3f", a / b}')"
    for side in A B; do
        port=${MASTER[$side]}
        rcli "$port" CONFIG SET sync-replicas 1 >/dev/null
        read -r semi _ <<<"$(bench "$port" 16 50 "$N")"
        read -r _ semi_p50 <<<"$(bench "$port" 1 1 20000)"
        rcli "$port" CONFIG SET sync-replicas 0 >/dev/null
        read -r _ async_p50 <<<"$(bench "$port" 1 1 20000)"
        echo "round $round: $side semi-sync -P 16 $semi, $(awk -v a="$semi" -v b="${SET[$side]}" 'BEGIN {printf "%.3f", a / b}') of async;" \
            "-P 1 -c 1 p50 async $async_p50 ms, semi-sync $semi_p50 ms"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

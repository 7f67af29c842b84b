#!/usr/bin/env bash
# Issue 11: does a semi-synchronous write stall while master and replica checkpoint? Two istore-node
# builds, interleaved: each round starts a fresh master (--sync-replicas 1 once its replica is in
# sync) and replica of one build, preloads them, then perf/semisync-stall.py: a client SETs every
# 2 ms while redis-benchmark sends LOADS x REQUESTS SETs at -P 16 (1,000,000 keys of 64 bytes). It
# prints the load's rate, the probe's p50/p99/max, the replies over 100 ms and errors (-NOREPLICAS
# after sync-replicas-timeout), which side was checkpointing during each slow reply, and the
# latency monitor's events and the slow log's commands over 100 ms on both ("fork": writers held
# while a checkpoint began).
#
#   A=/path/old/istore-node B=/path/new/istore-node perf/semisync-stall.sh
#   ROUNDS=3 LOADS=3 REQUESTS=1000000 A=... B=... perf/semisync-stall.sh
#
# Environment: A, B (istore-node binaries; B defaults to a fresh AOT publish)  ROUNDS (2)  LOADS (3)  REQUESTS (1000000)  KEEP_WORK=1
set -euo pipefail

ROUNDS=${ROUNDS:-2}
LOADS=${LOADS:-3}
REQUESTS=${REQUESTS:-1000000}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
ISTORE_BIN=${B:-${ISTORE_BIN:-}}
begin_side_by_side semisync-stall
istore_binary
[[ -x "${A:-}" ]] || { echo "set A to the istore-node binary to compare with" >&2; exit 1; }

echo "== semisync-stall $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "A: $A"
echo "B: $ISTORE"
echo "$ROUNDS round(s); each: $LOADS x $REQUESTS SET -P 16 -c 50, 64-byte values, 1,000,000 keys"
for round in $(seq 1 "$ROUNDS"); do
    for side in A B; do
        bin=$A
        [[ $side == B ]] && bin=$ISTORE
        start_named "$side-master-$round" "$bin"
        master=${PORTS[-1]}
        start_named "$side-replica-$round" "$bin" --replicaof "$HOST:$master"
        replica=${PORTS[-1]}
        redis-benchmark -h "$HOST" -p "$master" -c 50 -d 64 -r 1000000 -t set -n "$REQUESTS" -P 16 -q >/dev/null
        for _ in $(seq 1 100); do
            [[ $(rcli "$replica" INFO replication | tr -d '\r' | grep master_link_status) == master_link_status:up ]] && break
            sleep 0.2
        done
        rcli "$master" CONFIG SET sync-replicas 1 >/dev/null
        for port in "$master" "$replica"; do
            rcli "$port" CONFIG SET latency-monitor-threshold 100 >/dev/null
            rcli "$port" CONFIG SET slowlog-log-slower-than 100000 >/dev/null
        done
        echo
        echo "-- round $round, $side"
        (cd "$REPO/perf" && python3 semisync-stall.py "$master" "$replica" "$LOADS" "$REQUESTS")
        stop_pid "${PIDS[-1]}" "$side-replica-$round"
        stop_pid "${PIDS[-2]}" "$side-master-$round"
    done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# CPU time per SET at -P 16 of a master and its one replica, for one or more istore-node binaries
# (before and after a change) and redis-server (as perf/replication-compare.sh runs it: no
# persistence, diskless sync), interleaved over ROUNDS rounds in one run. On this 2-core machine
# the replica shares the cores with its master and the benchmark client, so the CPU both spend per
# request decides SET throughput with a replica; it is also the steadier figure on a busy machine.
#
#   flock /tmp/istore-bench.lock perf/replication-cpu.sh /tmp/before/istore-node /tmp/after/istore-node
#
# Environment: ENGINE (memory)  KEYS (1000000)  ROUNDS (3)  N (1000000 per run)  CLIENTS (50)
#   DATA_SIZE (64)  BENCH_TIMEOUT (600 s per run)  PROFILE=1 (perf record -g of each server in the
#   last round, reports in WORK, kept)  KEEP_WORK=1  REDIS_AOF=1 (redis-server master and replica
#   with appendonly yes, appendfsync everysec: persisting as istore-node does by default)
set -euo pipefail

(($# > 0)) || { echo "usage: $0 ISTORE_NODE_BINARY..." >&2; exit 2; }
ENGINE=${ENGINE:-memory}
KEYS=${KEYS:-1000000}
ROUNDS=${ROUNDS:-3}
N=${N:-1000000}
CLIENTS=${CLIENTS:-50}
DATA_SIZE=${DATA_SIZE:-64}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
HOST=127.0.0.1

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_side_by_side replication-cpu
[[ "${PROFILE:-0}" == 1 ]] && KEEP_WORK=1

link_up() { rcli "$1" INFO replication | tr -d '\r' | grep -q '^master_link_status:up'; }

echo "== replication-cpu $(date -u '+%Y-%m-%dT%H:%M:%SZ'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpu(s)"
PAIRS=()   # index of each pair's master in NAMES; its replica follows it
i=0
for bin in "$@"; do
    [[ -x "$bin" ]] || { echo "no istore-node binary at $bin" >&2; exit 1; }
    PAIRS+=(${#NAMES[@]})
    start_named "istore$i" "$bin" --engine "$ENGINE"
    start_named "istore$i-replica" "$bin" --engine "$ENGINE" --replicaof "$HOST:${PORTS[-1]}"
    i=$((i + 1))
done
PAIRS+=(${#NAMES[@]})
REDIS_PERSISTENCE=(--save '')
[[ "${REDIS_AOF:-0}" == 1 ]] && REDIS_PERSISTENCE+=(--appendonly yes --appendfsync everysec)
start_named redis redis-server "${REDIS_PERSISTENCE[@]}" --repl-diskless-sync yes --repl-diskless-sync-delay 0 --repl-backlog-size 64mb --daemonize no
start_named redis-replica redis-server "${REDIS_PERSISTENCE[@]}" --repl-diskless-sync yes --repl-backlog-size 64mb --daemonize no --replicaof "$HOST" "${PORTS[-1]}"
for j in "${!NAMES[@]}"; do echo "${NAMES[$j]}: ${BINARIES[$j]} (pid ${PIDS[$j]})"; done
echo "each master loaded with $KEYS keys; redis-benchmark -c $CLIENTS -d $DATA_SIZE -r $KEYS -P 16 -n $N -t set; $ROUNDS interleaved rounds"
for m in "${PAIRS[@]}"; do
    set_commands 0 "$KEYS" "$DATA_SIZE" | timeout 3600 redis-cli -h "$HOST" -p "${PORTS[$m]}" --pipe >/dev/null
done
for m in "${PAIRS[@]}"; do until link_up "${PORTS[$((m + 1))]}"; do sleep 0.1; done; done

raw=$WORK/rounds.txt
: >"$raw"
for round in $(seq 1 "$ROUNDS"); do
    for m in "${PAIRS[@]}"; do
        name=${NAMES[$m]} mpid=${PIDS[$m]} rpid=${PIDS[$((m + 1))]}
        profilers=()
        if [[ "${PROFILE:-0}" == 1 && $round == "$ROUNDS" ]]; then
            for pid in "$mpid" "$rpid"; do perf record -g -o "$WORK/$name-$pid.perf" -p "$pid" >/dev/null 2>&1 & profilers+=($!); done
        fi
        mb=$(cpu_ticks "$mpid") rb=$(cpu_ticks "$rpid")
        rps=$(timeout "$BENCH_TIMEOUT" redis-benchmark -h "$HOST" -p "${PORTS[$m]}" -c "$CLIENTS" -d "$DATA_SIZE" -r "$KEYS" -P 16 -n "$N" \
            -t set --csv -q 2>/dev/null | tr -d '\r' | awk -F'","' 'NR > 1 { r=$2; gsub(/"/, "", r); print r }')
        # The replica's CPU for this run includes applying what it still had to catch up on.
        for _ in $(seq 1 600); do
            [[ "$(rcli "${PORTS[$m]}" INFO replication | tr -d '\r' | awk -F: '/^master_repl_offset/ {print $2}')" == \
               "$(rcli "${PORTS[$((m + 1))]}" INFO replication | tr -d '\r' | awk -F: '/^slave_repl_offset/ {print $2}')" ]] && break
            sleep 0.05
        done
        mt=$(($(cpu_ticks "$mpid") - mb)) rt=$(($(cpu_ticks "$rpid") - rb))
        for p in ${profilers[@]+"${profilers[@]}"}; do kill -INT "$p"; wait "$p" || true; done
        [[ -n "$rps" ]] || { echo "redis-benchmark against $name gave no result" >&2; exit 1; }
        read -r mus rus <<<"$(python3 -c "import os; t = os.sysconf('SC_CLK_TCK'); print($mt * 1e6 / t / $N, $rt * 1e6 / t / $N)")"
        echo "$round $name $rps $mus $rus" >>"$raw"
        log "round $round/$ROUNDS $name: $rps req/s, master $(printf %.2f "$mus") + replica $(printf %.2f "$rus") us CPU/request"
    done
done

python3 - "$raw" <<'PY'
import statistics, sys
data = {}
for rnd, name, rps, m, r in (line.split() for line in open(sys.argv[1]) if line.strip()):
    data.setdefault(name, []).append((float(rps), float(m), float(r)))
print("ratio = req/s over redis's; CPU ratio = redis's master+replica CPU per request over this one's (> 1: less CPU); medians of per-round ratios")
print(f"{'server':<10}{'median req/s':>14}{'ratio':>8}{'master us':>11}{'replica us':>12}{'CPU ratio':>11}")
redis = data["redis"]
for name, rows in data.items():
    ratio = statistics.median(i[0] / r[0] for r, i in zip(redis, rows))
    cpu = statistics.median((r[1] + r[2]) / (i[1] + i[2]) for r, i in zip(redis, rows))
    print(f"{name:<10}{statistics.median(x[0] for x in rows):>14,.0f}{ratio:>7.2f}x{statistics.median(x[1] for x in rows):>11.2f}"
          f"{statistics.median(x[2] for x in rows):>12.2f}{cpu:>10.2f}x")
PY
if [[ "${PROFILE:-0}" == 1 ]]; then log "profiles in $WORK (perf report -i FILE --no-children)"; fi

#!/usr/bin/env bash
# Server CPU time per SET and GET at -P 16 for one or more istore-node binaries on the disk engine
# (before and after a change) and redis-server with AOF everysec, interleaved over ROUNDS rounds in
# one run, each server loaded first with KEYS keys as perf/disk-compare.sh loads them. CPU per request
# (utime + stime of all the server's threads, RocksDB's compactions included) is the steadier figure
# on a busy machine, where waiting for a core swings throughput; req/s is printed too.
#
#   flock /tmp/istore-bench.lock perf/disk-cpu.sh /tmp/before/istore-node /tmp/after/istore-node
#
# Environment: KEYS (2000000)  ROUNDS (3)  N (1000000 per run)  CLIENTS (50)  DATA_SIZE (64)  TESTS (set,get)
#   BLOCK_CACHE (256mb)  BENCH_TIMEOUT (600 s per run)  KEEP_WORK=1
set -euo pipefail

(($# > 0)) || { echo "usage: $0 ISTORE_NODE_BINARY..." >&2; exit 2; }
KEYS=${KEYS:-2000000}
ROUNDS=${ROUNDS:-3}
N=${N:-1000000}
CLIENTS=${CLIENTS:-50}
DATA_SIZE=${DATA_SIZE:-64}
TESTS=${TESTS:-set,get}
BLOCK_CACHE=${BLOCK_CACHE:-256mb}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
HOST=127.0.0.1

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_side_by_side disk-cpu

echo "== disk-cpu $(date -u '+%Y-%m-%dT%H:%M:%SZ'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpu(s)"
i=0
for bin in "$@"; do
    [[ -x "$bin" ]] || { echo "no istore-node binary at $bin" >&2; exit 1; }
    start_named "istore$i" "$bin" --engine disk --appendfsync everysec --rocksdb-block-cache "$BLOCK_CACHE"
    i=$((i + 1))
done
start_named redis redis-server --save '' --appendonly yes --appendfsync everysec --daemonize no
for i in "${!NAMES[@]}"; do echo "${NAMES[$i]}: ${BINARIES[$i]} (pid ${PIDS[$i]})"; done
echo "each loaded with $KEYS keys; redis-benchmark -c $CLIENTS -d $DATA_SIZE -r $KEYS -P 16 -n $N -t <test>; $ROUNDS interleaved rounds"
for i in "${!NAMES[@]}"; do
    set_commands 0 "$KEYS" "$DATA_SIZE" | timeout 3600 redis-cli -h "$HOST" -p "${PORTS[$i]}" --pipe >/dev/null
done

raw=$WORK/rounds.txt
: >"$raw"
for round in $(seq 1 "$ROUNDS"); do
    for test in ${TESTS//,/ }; do
        for i in "${!NAMES[@]}"; do
            name=${NAMES[$i]} pid=${PIDS[$i]}
            before=$(cpu_ticks "$pid")
            rps=$(timeout "$BENCH_TIMEOUT" redis-benchmark -h "$HOST" -p "${PORTS[$i]}" -c "$CLIENTS" -d "$DATA_SIZE" -r "$KEYS" -P 16 -n "$N" \
                -t "$test" --csv -q 2>/dev/null | tr -d '\r' | awk -F'","' 'NR > 1 { r=$2; gsub(/"/, "", r); print r }')
            ticks=$(($(cpu_ticks "$pid") - before))
            [[ -n "$rps" ]] || { echo "redis-benchmark against $name gave no result" >&2; exit 1; }
            cpu_us=$(python3 -c "import os; print($ticks * 1e6 / os.sysconf('SC_CLK_TCK') / $N)")
            echo "$round $test $name $rps $cpu_us" >>"$raw"
            log "round $round/$ROUNDS $test $name: $rps req/s, $(printf %.2f "$cpu_us") us CPU/request"
        done
    done
done

python3 - "$raw" <<'PY'
import statistics, sys
data = {}
for rnd, test, name, rps, cpu in (line.split() for line in open(sys.argv[1]) if line.strip()):
    data.setdefault(test, {}).setdefault(name, []).append((float(rps), float(cpu)))
print("ratio = istore's req/s / redis's; CPU ratio = redis's CPU per request / istore's (> 1: istore uses less); medians of the per-round ratios")
print(f"{'test':<6}{'server':<10}{'median req/s':>14}{'ratio':>8}{'median us CPU/req':>20}{'CPU ratio':>11}   per round (us)")
for test, servers in data.items():
    for name, rows in servers.items():
        ratio = statistics.median(i[0] / r[0] for r, i in zip(servers["redis"], rows))
        cpu_ratio = statistics.median(r[1] / i[1] for r, i in zip(servers["redis"], rows))
        print(f"{test:<6}{name:<10}{statistics.median(r[0] for r in rows):>14,.0f}{ratio:>7.2f}x{statistics.median(r[1] for r in rows):>20.2f}{cpu_ratio:>10.2f}x   "
              + " ".join(f"{r[1]:.2f}" for r in rows))
PY

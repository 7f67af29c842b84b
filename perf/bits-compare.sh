#!/usr/bin/env bash
# Issue 15's speed targets against redis-server, one run, interleaved: BITCOUNT over a 512 MB
# string and BITOP over 4 x 64 MB strings (perf/bits-compare.py: the same random bytes in every
# server, each command timed on each server in turn), then PFADD and PFCOUNT at -P 16
# (redis-benchmark, ROUNDS interleaved rounds; the median of the per-round ratios istore/redis).
# istore-node runs on the memory and the disk engine with its defaults (a log fsync'd every
# second), redis-server with AOF everysec: both write each change to disk.
#
#   flock /tmp/istore-bench.lock perf/bits-compare.sh
#
# Environment: ISTORE_BIN (default: Native AOT publish)  ROUNDS (5)  N (1000000 per PF run)
#   CLIENTS (50)  BENCH_TIMEOUT (600 s per run)  KEEP_WORK=1
set -euo pipefail

ROUNDS=${ROUNDS:-5}
N=${N:-1000000}
CLIENTS=${CLIENTS:-50}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_side_by_side bits-compare
istore_binary

start_named memory "$ISTORE" --engine memory
start_named disk "$ISTORE" --engine disk
start_named redis redis-server --save '' --appendonly yes --appendfsync everysec --daemonize no
echo "== bits-compare $(date -u '+%Y-%m-%dT%H:%M:%SZ'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpu(s)"
for i in "${!NAMES[@]}"; do echo "${NAMES[$i]}: ${BINARIES[$i]} (pid ${PIDS[$i]}, port ${PORTS[$i]})"; done
echo

echo "-- BITCOUNT and BITOP: $ROUNDS rounds, time per command (one client)"
servers=()
for i in "${!NAMES[@]}"; do servers+=("${NAMES[$i]}:${PORTS[$i]}"); done
python3 "$REPO/perf/bits-compare.py" "$ROUNDS" "${servers[@]}"
echo

echo "-- PFADD and PFCOUNT: redis-benchmark -c $CLIENTS -P 16 -n $N; PFADD of random elements (-r 100000000) to one dense HLL, PFCOUNT of it"
raw=$WORK/pf.txt
: >"$raw"
for round in $(seq 1 "$ROUNDS"); do
    for i in "${!NAMES[@]}"; do
        for test in pfadd pfcount; do
            if [[ $test == pfadd ]]; then args=(-r 100000000 PFADD hll e:__rand_int__); else args=(PFCOUNT hll); fi
            rps=$(timeout "$BENCH_TIMEOUT" redis-benchmark -h "$HOST" -p "${PORTS[$i]}" -c "$CLIENTS" -P 16 -n "$N" --csv -q \
                "${args[@]}" 2>/dev/null | tr -d '\r' | awk -F'","' 'NR > 1 { r=$2; gsub(/"/, "", r); print r }')
            [[ -n "$rps" ]] || { echo "redis-benchmark $test against ${NAMES[$i]} gave no result" >&2; exit 1; }
            echo "$round ${NAMES[$i]} $test $rps" >>"$raw"
            log "round $round/$ROUNDS ${NAMES[$i]} $test $rps req/s"
        done
    done
done
python3 - "$raw" <<'PY'
import statistics, sys
data = {}
for rnd, name, test, rps in (line.split() for line in open(sys.argv[1]) if line.strip()):
    data.setdefault(test, {}).setdefault(name, {})[int(rnd)] = float(rps)
print(f"{'test':<10}{'memory req/s':>14}{'disk req/s':>12}{'redis req/s':>13}{'memory/redis':>14}{'disk/redis':>12}   per-round ratios memory | disk")
for test, by in data.items():
    med = {n: statistics.median(v.values()) for n, v in by.items()}
    ratio = {n: [by[n][r] / by["redis"][r] for r in sorted(by["redis"])] for n in ("memory", "disk")}
    print(f"{test:<10}{med['memory']:>14,.0f}{med['disk']:>12,.0f}{med['redis']:>13,.0f}"
          f"{statistics.median(ratio['memory']):>13.2f}x{statistics.median(ratio['disk']):>11.2f}x   "
          + " ".join(f"{x:.2f}" for x in ratio["memory"]) + " | " + " ".join(f"{x:.2f}" for x in ratio["disk"]))
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Server CPU time per EVALSHA of issue 16's script (INCR, EXPIRE, GET; -P 16, as in
# stream-script-compare.sh) for one or more istore-node binaries (before and after a change) and
# redis-server, interleaved over ROUNDS rounds in one run, plus a `perf record -g` profile of each
# istore binary's last round (top symbols by self time). CPU time per request (utime + stime, all
# threads) is the steadier figure on a busy machine, where waiting for a core swings throughput.
#
#   flock /tmp/istore-bench.lock perf/evalsha-cpu.sh /tmp/before/istore-node /tmp/after/istore-node
#   COMMAND="SET key:__rand_int__ 0123456789abcdef" PROFILE=0 perf/evalsha-cpu.sh ...   # another command, same measure
#
# Environment: ROUNDS (3)  N (500000 per round)  CLIENTS (50)  KEYSPACE (100000)  PROFILE (1)  COMMAND (EVALSHA)
#   BENCH_TIMEOUT (600 s per run)  KEEP_WORK=1
set -euo pipefail

(($# > 0)) || { echo "usage: $0 ISTORE_NODE_BINARY..." >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
N=${N:-500000}
CLIENTS=${CLIENTS:-50}
KEYSPACE=${KEYSPACE:-100000}
PROFILE=${PROFILE:-1}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
HOST=127.0.0.1
SCRIPT="redis.call('incr', KEYS[1]) redis.call('expire', KEYS[1], 3600) return redis.call('get', KEYS[1])"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_side_by_side evalsha-cpu

i=0
for bin in "$@"; do
    [[ -x "$bin" ]] || { echo "no istore-node binary at $bin" >&2; exit 1; }
    start_named "istore$i" "$bin" --engine memory --appendfsync everysec
    i=$((i + 1))
done
start_named redis redis-server --save '' --appendonly yes --appendfsync everysec --daemonize no
echo "== evalsha-cpu $(date -u '+%Y-%m-%dT%H:%M:%SZ'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpu(s)"
for i in "${!NAMES[@]}"; do echo "${NAMES[$i]}: ${BINARIES[$i]} (pid ${PIDS[$i]})"; done
echo "redis-benchmark -c $CLIENTS -r $KEYSPACE -P 16 -n $N ${COMMAND:-EVALSHA <sha> 1 counter:__rand_int__}; $ROUNDS interleaved rounds"

SHA=""
for port in "${PORTS[@]}"; do
    sha=$(rcli "$port" SCRIPT LOAD "$SCRIPT" | tr -d '\r')
    [[ -z "$SHA" || "$sha" == "$SHA" ]] || { echo "the servers disagree on the script's SHA1" >&2; exit 1; }
    SHA=$sha
done
read -r -a command <<<"${COMMAND:-EVALSHA $SHA 1 counter:__rand_int__}"

raw=$WORK/rounds.txt
: >"$raw"
for round in $(seq 1 "$ROUNDS"); do
    for i in "${!NAMES[@]}"; do
        name=${NAMES[$i]} pid=${PIDS[$i]}
        recorder=""
        if [[ $PROFILE == 1 && $round == "$ROUNDS" && $name != redis ]]; then
            perf record -g -o "$WORK/$name.perf" -p "$pid" >/dev/null 2>&1 &
            recorder=$!
            sleep 1
        fi
        before=$(cpu_ticks "$pid")
        rps=$(timeout "$BENCH_TIMEOUT" redis-benchmark -h "$HOST" -p "${PORTS[$i]}" -c "$CLIENTS" -r "$KEYSPACE" -P 16 -n "$N" --csv -q \
            "${command[@]}" 2>/dev/null | tr -d '\r' | awk -F'","' 'NR > 1 { r=$2; gsub(/"/, "", r); print r }')
        ticks=$(($(cpu_ticks "$pid") - before))
        [[ -n "$recorder" ]] && { kill -INT "$recorder"; wait "$recorder" || true; }
        [[ -n "$rps" ]] || { echo "redis-benchmark against $name gave no result" >&2; exit 1; }
        cpu_us=$(python3 -c "import os; print($ticks * 1e6 / os.sysconf('SC_CLK_TCK') / $N)")
        echo "$round $name $rps $cpu_us" >>"$raw"
        log "round $round/$ROUNDS $name: $rps req/s, $(printf %.2f "$cpu_us") us CPU/request"
    done
done

python3 - "$raw" <<'PY'
import statistics, sys
data = {}
for rnd, name, rps, cpu in (line.split() for line in open(sys.argv[1]) if line.strip()):
    data.setdefault(name, []).append((float(rps), float(cpu)))
print(f"{'server':<10}{'median req/s':>14}{'median us CPU/request':>24}   per round (us)")
for name, rows in data.items():
    print(f"{name:<10}{statistics.median(r[0] for r in rows):>14,.0f}{statistics.median(r[1] for r in rows):>24.2f}   "
          + " ".join(f"{r[1]:.2f}" for r in rows))
PY

if [[ $PROFILE == 1 ]]; then
    for name in "${NAMES[@]}"; do
        [[ $name == redis ]] && continue
        echo
        echo "-- $name: top symbols by self time (perf report --no-children)"
        perf report -i "$WORK/$name.perf" --no-children --sort symbol --stdio 2>/dev/null \
            | grep -E '^ +[0-9.]+%' | sed -E 's/[[:space:]]+-[[:space:]]+-[[:space:]]*$//' | cut -c1-160 | head -30 || true
    done
fi

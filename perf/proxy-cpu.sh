#!/usr/bin/env bash
# CPU and system calls per request of istore-proxy under redis-benchmark's pipelined load, for one
# or more proxy binaries, interleaved: a steadier figure than throughput on a busy machine.
#
#   perf/proxy-cpu.sh BIN [BIN...]                       # ROUNDS=3 TEST=set PIPELINE=16 N=3000000
#   TEST=get perf/proxy-cpu.sh /tmp/before/istore-proxy /tmp/after/istore-proxy
#
# Each round starts, for each binary in turn, two redis-server backends and the proxy (1 loop, one
# tenant over both shards, as perf/proxy-compare.sh does), warms it up with 200,000 requests, then
# runs redis-benchmark -c 50 -P PIPELINE -d 64 -r 100000 -t TEST -n N under `perf stat` (task-clock,
# system calls, context switches) attached to the proxy, the two redis-servers and the benchmark.
# Prints per request: each process's CPU microseconds, system calls and context switches.
# Needs perf (linux-perf) with access to the raw_syscalls tracepoint (root, or perf_event_paranoid
# <= 1); everything listens on 127.0.0.1 on free ports and is stopped by PID.
set -euo pipefail

(($#)) || { sed -n '2,14p' "$0" >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
TEST=${TEST:-set}
PIPELINE=${PIPELINE:-16}
N=${N:-3000000}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/istore-proxy-cpu.XXXXXX")
PIDS=()
# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
stop_servers_on_exit
per_request() {   # stat-file label
    awk -v n="$N" -v label="$2" '
        { gsub(",", "", $1) }
        /raw_syscalls:sys_enter/ { s = $1 } /context-switches/ { c = $1 } /task-clock/ { t = $1 }
        END { printf "  %-8s cpu %6.3f us  syscalls %6.3f  context switches %7.4f\n", label, t * 1000 / n, s / n, c / n }' "$1"
}

echo "== proxy-cpu $(date -u '+%Y-%m-%dT%H:%M:%SZ'): redis-benchmark -c 50 -P $PIPELINE -d 64 -r 100000 -t $TEST -n $N, $ROUNDS interleaved rounds"
echo "machine: $(nproc) cpu(s), load average $(cut -d' ' -f1-3 /proc/loadavg)"
EVENTS=task-clock,raw_syscalls:sys_enter,context-switches
for round in $(seq "$ROUNDS"); do
    for bin in "$@"; do
        run=$WORK/run-$round-$(basename "$(dirname "$bin")")
        mkdir -p "$run"
        start_redis_backends "$run"
        IP=$(free_port)
        REDIS=("${PIDS[@]: -2}")
        cat >"$run/proxy.json" <<JSON
{"version": 1, "listen": "$HOST:$IP", "tenants": [{"name": "bench", "password": "benchpw",
  "shards": [{"master": "$HOST:$R1"}, {"master": "$HOST:$R2"}]}]}
JSON
        "$bin" --config "$run/proxy.json" --threads 1 --loglevel Warning >"$WORK/proxy-$IP.log" 2>&1 &
        PROXY=$!
        PIDS+=("$PROXY")
        wait_ready "$IP" "proxy-$IP" "$PROXY" benchpw
        load=(redis-benchmark -h "$HOST" -p "$IP" -a benchpw -c 50 -P "$PIPELINE" -d 64 -r 100000 -t "$TEST")
        "${load[@]}" -n 200000 -q >/dev/null 2>&1
        perf stat -e "$EVENTS" -p "$PROXY" -o "$run/proxy.stat" & S1=$!
        perf stat -e "$EVENTS" -p "$(IFS=,; echo "${REDIS[*]}")" -o "$run/redis.stat" & S2=$!
        sleep 0.3
        rps=$(perf stat -e "$EVENTS" -o "$run/bench.stat" "${load[@]}" -n "$N" --csv 2>/dev/null | tr -d '"' | awk -F, 'NR > 1 {print $2}')
        kill -INT "$S1" "$S2"; wait "$S1" "$S2" || true
        echo "round $round $bin: $rps requests/s, load average $(cut -d' ' -f1 /proc/loadavg)"
        per_request "$run/proxy.stat" proxy
        per_request "$run/redis.stat" "2 redis"
        per_request "$run/bench.stat" bench
        kill "$PROXY" "${REDIS[@]}" 2>/dev/null || true
        wait "$PROXY" "${REDIS[@]}" 2>/dev/null || true
    done
done

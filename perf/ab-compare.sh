#!/usr/bin/env bash
# A change measured against the build before it: two istore-node binaries (A before, B after) and
# redis-server, all running side by side, one redis-benchmark at a time, interleaved A, B, redis
# within each round; prints each round's req/s and the ratios B/A, A/redis and B/redis.
#
#   A=/tmp/before/istore-node B=/tmp/after/istore-node flock /tmp/istore-bench.lock perf/ab-compare.sh
#   A=… B=… ENGINE=disk KEYSPACE=1000000 TESTS=get perf/ab-compare.sh
#   A=… B=… TESTS=pfcount PREP="PFADD hll e:__rand_int__" CMD="PFCOUNT hll" perf/ab-compare.sh
#
# Every server is filled first with KEYSPACE SETs of 64 bytes, then PREP (a redis-benchmark command
# run 1,000,000 times with -r 100000000) if given. CMD replaces the built-in test named in TESTS.
# redis-server runs without persistence (as perf/load-compare.sh); istore-node with its defaults.
#
# Environment: A, B (required)  ENGINE (memory)  ROUNDS (5)  TESTS (set,get)  N (1000000)  P (16)
#   KEYSPACE (100000)  PREP  CMD  ISTORE_ARGS (extra istore-node arguments)  KEEP_WORK=1
set -euo pipefail

: "${A:?A=<istore-node before>}" "${B:?B=<istore-node after>}"
ENGINE=${ENGINE:-memory}
ROUNDS=${ROUNDS:-5}
TESTS=${TESTS:-set,get}
N=${N:-1000000}
P=${P:-16}
KEYSPACE=${KEYSPACE:-100000}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_side_by_side ab-compare
# shellcheck disable=SC2086
start_named A "$A" --engine "$ENGINE" ${ISTORE_ARGS:-}
# shellcheck disable=SC2086
start_named B "$B" --engine "$ENGINE" ${ISTORE_ARGS:-}
start_named redis redis-server --appendonly no --save ""

for port in "${PORTS[@]}"; do
    timeout 600 redis-benchmark -h "$HOST" -p "$port" -c 50 -d 64 -r "$KEYSPACE" -t set -n "$KEYSPACE" -P 16 -q >/dev/null
    # shellcheck disable=SC2086
    [[ -z "${PREP:-}" ]] || timeout 600 redis-benchmark -h "$HOST" -p "$port" -c 50 -r 100000000 -n 1000000 -P 16 -q $PREP >/dev/null
done

echo "ab-compare: $ENGINE engine, -c 50 -P $P -n $N, keyspace $KEYSPACE${CMD:+, command: $CMD} ($(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "A: $A"
echo "B: $B"
for test in ${TESTS//,/ }; do
    for round in $(seq 1 "$ROUNDS"); do
        rates=()
        for port in "${PORTS[@]}"; do
            # shellcheck disable=SC2086
            if [[ -n "${CMD:-}" ]]; then args=($CMD); else args=(-d 64 -r "$KEYSPACE" -t "$test"); fi
            rates+=("$(timeout 600 redis-benchmark -h "$HOST" -p "$port" -c 50 -n "$N" -P "$P" --csv "${args[@]}" | tail -1 | cut -d, -f2 | tr -d '"')")
        done
        python3 -c "import sys; a, b, r = map(float, sys.argv[2:5]); print(f'{sys.argv[1]:8} round {sys.argv[5]}: A {a:>10,.0f}  B {b:>10,.0f}  redis {r:>10,.0f}   B/A {b/a:.3f}  A/redis {a/r:.3f}  B/redis {b/r:.3f}')" \
            "$test" "${rates[@]}" "$round"
    done
done
echo "done (load: $(cut -d' ' -f1-3 /proc/loadavg))"

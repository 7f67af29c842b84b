#!/usr/bin/env bash
# GET and SET over a keyspace that outgrows a fixed hash index (issue 17: design for big hosts).
# Each server in turn (never two at once: each holds ~2 GB at 20 M keys): load SMALL keys of VALUE
# bytes (redis-cli --pipe, keys named as redis-benchmark's __rand_int__ names them), time GET
# -P 16 over them, load up to KEYS, time the load and GET -P 16 over all of them, read RSS.
# istore-node runs with --maxmemory MAXMEMORY (8gb: its 1 GB default would spill 20 M keys to
# disk) and its log; redis-server without persistence (GET does not write; the load is a pipe
# either way). MAXMEMORY=1gb VALUE=64 measures GETs of keys spilled to disk; TEST=set measures
# SETs (overwrites of VALUE bytes) instead of GETs.
#
#   flock /tmp/istore-bench.lock perf/big-keyspace-get.sh
#   OLD_BIN=/tmp/old/istore-node ISTORE_BIN=/tmp/new/istore-node ROUNDS=2 perf/big-keyspace-get.sh
#
# Environment: ISTORE_BIN (default: Native AOT publish)  OLD_BIN (another istore-node, run
#   interleaved)  ROUNDS (2)  SMALL (1000000)  KEYS (20000000)  VALUE (3)  MAXMEMORY (8gb)
#   N (3000000 requests a run)  TEST (get)  REDIS (1: also redis-server)  KEEP_WORK=1
set -euo pipefail

ROUNDS=${ROUNDS:-2}
SMALL=${SMALL:-1000000}
KEYS=${KEYS:-20000000}
N=${N:-3000000}
VALUE=${VALUE:-3}
MAXMEMORY=${MAXMEMORY:-8gb}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_side_by_side big-keyspace-get
istore_binary

load() {   # port from to: SET key:%012d (redis-benchmark's key names) for from..to-1
    python3 - "$2" "$3" "$VALUE" <<'PY' | redis-cli -h "$HOST" -p "$1" --pipe >/dev/null
import sys
start, end, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
tail = b"$%d\r\n%s\r\n" % (size, b"x" * size)
out, chunk = sys.stdout.buffer, []
for i in range(start, end):
    chunk.append(b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n" % i + tail)
    if len(chunk) == 100000:
        out.write(b"".join(chunk)); chunk.clear()
out.write(b"".join(chunk))
PY
}

get_rps() {   # port keyspace
    redis-benchmark -h "$HOST" -p "$1" -t "${TEST:-get}" -d "$VALUE" -P 16 -c 50 -n "$N" -r "$2" --csv -q 2>/dev/null \
        | tr -d '\r' | awk -F'","' 'NR > 1 { r=$2; gsub(/"/, "", r); print int(r) }'
}

run() {   # label command...
    local label=$1 port started ended; shift
    start_named "$label" "$@"
    port=${PORTS[-1]}
    load "$port" 0 "$SMALL"
    local small; small=$(get_rps "$port" "$SMALL")
    started=$(date +%s.%N)
    load "$port" "$SMALL" "$KEYS"
    ended=$(date +%s.%N)
    local keys; keys=$(redis-cli -h "$HOST" -p "$port" DBSIZE)
    [[ "$keys" == "$KEYS" ]] || { echo "$label holds $keys keys, not $KEYS" >&2; exit 1; }
    local big; big=$(get_rps "$port" "$KEYS")
    printf '%-10s %14s %14s %12.1f %10s\n' "$label" "$small" "$big" "$(awk -v a="$started" -v b="$ended" 'BEGIN { print b - a }')" "$(( $(rss_kb "${PIDS[-1]}") >> 10 ))"
    stop_pid "${PIDS[-1]}" "$label"
}

echo "== big-keyspace-get $(date -u '+%Y-%m-%dT%H:%M:%SZ'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpu(s)"
echo "istore: $ISTORE${OLD_BIN:+; old: $OLD_BIN}; --maxmemory $MAXMEMORY; values of $VALUE bytes; ${TEST:-get} -P 16 -c 50, $N requests; load of keys $SMALL..$KEYS by redis-cli --pipe"
printf '%-10s %14s %14s %12s %10s\n' server "req/s ${SMALL}" "req/s ${KEYS}" "load s" "RSS MiB"
for round in $(seq 1 "$ROUNDS"); do
    run "istore$round" "$ISTORE" --maxmemory "$MAXMEMORY"
    [[ -z "${OLD_BIN:-}" ]] || run "old$round" "$OLD_BIN" --maxmemory "$MAXMEMORY"
    [[ "${REDIS:-1}" == 0 ]] || run "redis$round" redis-server --save '' --appendonly no --daemonize no
done

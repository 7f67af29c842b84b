#!/usr/bin/env bash
# Issue 17 item 3: does a snapshot stall clients? istore-node (memory engine) vs redis-server.
#
#   perf/snapshot-stall.sh                      # 200 hashes of 10,000 fields, 2 rounds, 5 BGSAVEs each
#   HASHES=400 FIELDS=10000 ROUNDS=3 SAVES=5 perf/snapshot-stall.sh
#
# Each round, interleaved: fresh istore-node and redis-server (redis forks for BGSAVE), the same
# hashes loaded through redis-cli --pipe, then perf/snapshot-stall.py: a client sends a pipelined
# SET + HSET + HGET every millisecond while BGSAVE runs SAVES times; its round trips inside the
# BGSAVE windows and outside them (p50 / p99 / max) and the saves' durations are printed per server.
#
# Environment: HASHES (200)  FIELDS (10000)  ROUNDS (2)  SAVES (5)  ISTORE_BIN  ISTORE_ARGS  KEEP_WORK=1
set -euo pipefail

HASHES=${HASHES:-200}
FIELDS=${FIELDS:-10000}
ROUNDS=${ROUNDS:-2}
SAVES=${SAVES:-5}
ISTORE_ARGS=${ISTORE_ARGS:-}
REDIS_ARGS=""
HOST=127.0.0.1

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_run snapshot-stall

python3 - "$HASHES" "$FIELDS" >"$WORK/hashes.resp" <<'PY'
import sys
hashes, fields = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
for h in range(hashes):
    args = [b"HSET", b"h:%d" % h] + [x for f in range(fields) for x in (b"f%d" % f, b"value-%d-%d" % (h, f))]
    out.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
PY

echo "== snapshot-stall $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "istore-node: $ISTORE${ISTORE_ARGS:+ args: $ISTORE_ARGS}; redis-server $(redis-server --version | awk '{print $3}')"
echo "$HASHES hashes x $FIELDS fields; $SAVES BGSAVEs per round; $ROUNDS round(s), fresh processes each"
for round in $(seq 1 "$ROUNDS"); do
    pick_ports
    start_servers "round-$round"
    redis-cli -h "$HOST" -p "$ISTORE_PORT" --pipe <"$WORK/hashes.resp" >/dev/null
    redis-cli -h "$HOST" -p "$REDIS_PORT" --pipe <"$WORK/hashes.resp" >/dev/null
    echo
    echo "-- round $round: istore-node (RSS $(( $(rss_kb "$ISTORE_PID") / 1024 )) MiB)"
    python3 "$REPO/perf/snapshot-stall.py" "$ISTORE_PORT" "$SAVES"
    echo "-- round $round: redis-server (RSS $(( $(rss_kb "$REDIS_PID") / 1024 )) MiB)"
    python3 "$REPO/perf/snapshot-stall.py" "$REDIS_PORT" "$SAVES"
    stop_servers
done

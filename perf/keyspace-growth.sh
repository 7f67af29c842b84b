#!/usr/bin/env bash
# Design for big hosts: does a growing or shrinking keyspace stall clients? istore-node (memory engine) vs redis-server.
#
#   perf/keyspace-growth.sh                     # 4,200,000 hashes of 2 fields, 1 round
#   KEYS=8400000 ROUNDS=2 perf/keyspace-growth.sh
#
# Each round, fresh istore-node and redis-server in turn: perf/keyspace-growth.py loads KEYS small
# hashes through redis-cli --pipe while a client sends HGET every millisecond, then deletes 15 of
# every 16 of them the same way, and prints that client's round trips in each phase and each one over
# 20 ms. KEYS just past a power of two (2^22 = 4,194,304) makes the last doubling of the key table
# happen during the load; the deletes take the table below an eighth of its slots, where it shrinks.
#
# Environment: KEYS (4200000)  ROUNDS (1)  ISTORE_BIN  ISTORE_ARGS  KEEP_WORK=1
set -euo pipefail

KEYS=${KEYS:-4200000}
ROUNDS=${ROUNDS:-1}
ISTORE_ARGS=${ISTORE_ARGS:-}
REDIS_ARGS=""
HOST=127.0.0.1

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_run keyspace-growth

python3 - "$KEYS" >"$WORK/hashes.resp" <<'PY'
import sys
out = sys.stdout.buffer
chunk = []
for i in range(int(sys.argv[1])):
    key = b"h:%d" % i
    chunk.append(b"*6\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n" % (len(key), key))
    if len(chunk) == 10000:
        out.write(b"".join(chunk)); chunk.clear()
out.write(b"".join(chunk))
PY
python3 - "$KEYS" >"$WORK/deletes.resp" <<'PY'
import sys
out = sys.stdout.buffer
chunk = []
for i in range(int(sys.argv[1])):
    if i % 16:
        key = b"h:%d" % i
        chunk.append(b"*2\r\n$3\r\nDEL\r\n$%d\r\n%s\r\n" % (len(key), key))
    if len(chunk) == 10000:
        out.write(b"".join(chunk)); chunk.clear()
out.write(b"".join(chunk))
PY

echo "== keyspace-growth $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "istore-node: $ISTORE${ISTORE_ARGS:+ args: $ISTORE_ARGS}; redis-server $(redis-server --version | awk '{print $3}')"
echo "$KEYS hashes of 2 fields; $ROUNDS round(s), fresh processes each"
for round in $(seq 1 "$ROUNDS"); do
    pick_ports
    start_servers "round-$round"
    echo
    echo "-- round $round: istore-node"
    (cd "$REPO/perf" && python3 keyspace-growth.py "$ISTORE_PORT" "$WORK/hashes.resp" "$WORK/deletes.resp")
    echo "-- round $round: redis-server"
    (cd "$REPO/perf" && python3 keyspace-growth.py "$REDIS_PORT" "$WORK/hashes.resp" "$WORK/deletes.resp")
    stop_servers
done

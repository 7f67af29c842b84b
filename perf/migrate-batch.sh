#!/usr/bin/env bash
# Batch MIGRATE throughput: keys/s moved from one istore-node to another with
# MIGRATE host port "" 0 timeout KEYS k1 … kBATCH, one batch after another on one client
# connection (what a scale-out background pass does), ROUNDS rounds.
#
#   ISTORE_BIN=publish/node/istore-node BATCH=500 perf/migrate-batch.sh
#
# Environment: KEYS (200000) DATA_SIZE (64) BATCH (500) ROUNDS (3) ENGINE (memory, the source's;
#   TARGET_ENGINE defaults to it) ISTORE_BIN (else published into the work directory) KEEP_WORK=1
set -euo pipefail

KEYS=${KEYS:-200000}
DATA_SIZE=${DATA_SIZE:-64}
BATCH=${BATCH:-500}
ROUNDS=${ROUNDS:-3}
ENGINE=${ENGINE:-memory}
TARGET_ENGINE=${TARGET_ENGINE:-$ENGINE}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=common.sh
source "$REPO/perf/common.sh"
begin_run migrate-batch
TARGET_PID=""
trap 'stop_pid "$TARGET_PID" target; cleanup' EXIT

start_node() {   # name engine port → pid in STARTED_PID
    "$ISTORE" --port "$3" --dir "$WORK/$1" --engine "$2" >"$WORK/$1.log" 2>&1 &
    STARTED_PID=$!
    wait_ready "$3" "$1" "$STARTED_PID"
}

for round in $(seq 1 "$ROUNDS"); do
    SOURCE_PORT=$(free_port); TARGET_PORT=$(free_port)
    rm -rf "$WORK/source" "$WORK/target"
    start_node source "$ENGINE" "$SOURCE_PORT"; ISTORE_PID=$STARTED_PID
    start_node target "$TARGET_ENGINE" "$TARGET_PORT"; TARGET_PID=$STARTED_PID
    set_commands 0 "$KEYS" "$DATA_SIZE" | rcli "$SOURCE_PORT" --pipe >/dev/null
    python3 - "$SOURCE_PORT" "$TARGET_PORT" "$BATCH" "$KEYS" <<'PY'
import socket, sys, time
source, target, batch, count = (int(a) for a in sys.argv[1:])
def command(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)
s = socket.create_connection(("127.0.0.1", source))
f = s.makefile("rb")
keys = [b"key:%d" % i for i in range(count)]
start = time.perf_counter()
for i in range(0, count, batch):
    s.sendall(command("MIGRATE", "127.0.0.1", target, "", 0, 5000, "KEYS", *keys[i:i + batch]))
    reply = f.readline()
    if reply != b"+OK\r\n":
        sys.exit("MIGRATE failed: %r" % reply)
elapsed = time.perf_counter() - start
print("%d keys in %.2f s: %.0f keys/s (batch %d)" % (count, elapsed, count / elapsed, batch))
PY
    [[ $(rcli "$SOURCE_PORT" DBSIZE) == 0 && $(rcli "$TARGET_PORT" DBSIZE) == "$KEYS" ]] || { echo "round $round: keys not all moved" >&2; exit 1; }
    stop_pid "$ISTORE_PID" source; ISTORE_PID=""
    stop_pid "$TARGET_PID" target; TARGET_PID=""
done

#!/usr/bin/env bash
# istore-node --engine disk: resident memory while the data set grows far past the block cache.
#
#   perf/disk-rss.sh                                  # 8 steps of 32,000 keys, 4 KB values, 8 MB cache
#   STEPS=16 BLOCK_CACHE=16mb perf/disk-rss.sh
#
# Loads STEPS steps of STEP_KEYS keys with VALUE_SIZE-byte values that compression cannot shrink
# (hex of random bytes) through redis-cli --pipe, then reads every key back (so an unbounded cache
# would hold the whole data set). After each step prints RSS, SST bytes, block cache and memtables.
#
# Environment:
#   STEPS (8)  STEP_KEYS (32000)  VALUE_SIZE (4000)  BLOCK_CACHE (8mb)  WRITE_BUFFER (4mb)
#   ISTORE_BIN (use this istore-node binary instead of publishing one)  KEEP_WORK=1
set -euo pipefail

STEPS=${STEPS:-8}
STEP_KEYS=${STEP_KEYS:-32000}
VALUE_SIZE=${VALUE_SIZE:-4000}
BLOCK_CACHE=${BLOCK_CACHE:-8mb}
WRITE_BUFFER=${WRITE_BUFFER:-4mb}
HOST=127.0.0.1

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_run disk-rss
ISTORE_PORT=$(free_port)
ISTORE_ARGS="--engine disk --rocksdb-block-cache $BLOCK_CACHE --rocksdb-write-buffer $WRITE_BUFFER"
# shellcheck disable=SC2086  # ISTORE_ARGS is a word list on purpose
"$ISTORE" --bind "$HOST" --port "$ISTORE_PORT" --dir "$WORK/data" $ISTORE_ARGS >"$WORK/istore-node.log" 2>&1 &
ISTORE_PID=$!
wait_ready "$ISTORE_PORT" istore-node "$ISTORE_PID"

echo "== disk-rss $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "istore-node: $ISTORE args: $ISTORE_ARGS; $STEPS steps of $STEP_KEYS keys, $VALUE_SIZE-byte values"
echo

set_commands() {   # from to
    python3 - "$@" "$VALUE_SIZE" <<'PY'
import random, sys
start, end, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
out = sys.stdout.buffer
for i in range(start, end):
    key = b"rss:%d" % i
    value = random.Random(i).randbytes(size // 2).hex().encode()
    out.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
PY
}

# GETs every key, 500 per round trip, and checks each reply's length (redis-cli --pipe is slow with large replies).
read_all() {   # count
    python3 - "$HOST" "$ISTORE_PORT" "$1" "$VALUE_SIZE" <<'PY'
import socket, sys
host, port, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
connection = socket.create_connection((host, port))
replies = connection.makefile("rb")
for start in range(0, count, 500):
    keys = [b"rss:%d" % i for i in range(start, min(start + 500, count))]
    connection.sendall(b"".join(b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(k), k) for k in keys))
    for key in keys:
        header = replies.readline()
        if header != b"$%d\r\n" % size:
            sys.exit("GET %s answered %r" % (key.decode(), header))
        replies.read(size + 2)
PY
}

field() { rcli "$ISTORE_PORT" INFO memory | tr -d '\r' | awk -F: -v f="$1" '$1 == f { printf "%.1f", $2 / 1048576 }'; }

row() {   # phase keys
    printf '%-6s %8d %9.1f %9s %10s %13s\n' "$1" "$2" "$(rss_kb "$ISTORE_PID" | awk '{print $1 / 1024}')" \
        "$(field disk_engine_sst_bytes)" "$(field disk_engine_block_cache_usage)" "$(field disk_engine_memtable_bytes)"
}

printf '%-6s %8s %9s %9s %10s %13s\n' phase keys "RSS MiB" "SST MiB" "cache MiB" "memtable MiB"
for step in $(seq 1 "$STEPS"); do
    set_commands $(( (step - 1) * STEP_KEYS )) $(( step * STEP_KEYS )) | redis-cli -h "$HOST" -p "$ISTORE_PORT" --pipe >/dev/null
    row load $(( step * STEP_KEYS ))
done
read_all $(( STEPS * STEP_KEYS ))
row read $(( STEPS * STEP_KEYS ))

#!/usr/bin/env bash
# Issue 19's disk-engine target: RL.RECALL with DEPTH 1000 on istore-node --engine disk, the data in
# the block cache, p99 <= 5 ms; the same recall on a memory node beside it (the replies must be identical).
#
#   perf/disk-recall.sh                                  # LISTS=10 MEMBERS=100000 ROUNDS=2000
#   LISTS=3 MEMBERS=5000 ROUNDS=100 perf/disk-recall.sh  # a quick check that it works
#
# Both nodes on 127.0.0.1, free ports, fresh directories under WORK; the disk node with a block
# cache large enough for the data (BLOCK_CACHE, 1gb) and appendfsync everysec. Times are client round
# trips on loopback (an upper bound of server time), plus the server's CPU per recall.
#
# Environment: LISTS (10)  MEMBERS (100000)  ROUNDS (2000)  BLOCK_CACHE (1gb)
#   ISTORE_BIN (use this istore-node binary instead of publishing one)  KEEP_WORK=1
set -euo pipefail

LISTS=${LISTS:-10}
MEMBERS=${MEMBERS:-100000}
ROUNDS=${ROUNDS:-2000}
BLOCK_CACHE=${BLOCK_CACHE:-1gb}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_run disk-recall
MEMORY_PID=""
trap 'stop_pid "$MEMORY_PID" istore-node-memory; cleanup' EXIT

DISK_PORT=$(free_port)
MEMORY_PORT=$(free_port)
while [[ "$MEMORY_PORT" == "$DISK_PORT" ]]; do MEMORY_PORT=$(free_port); done
mkdir -p "$WORK/disk" "$WORK/memory"
"$ISTORE" --bind "$HOST" --port "$DISK_PORT" --dir "$WORK/disk" --engine disk --appendfsync everysec \
    --rocksdb-block-cache "$BLOCK_CACHE" >"$WORK/istore-node.log" 2>&1 &
ISTORE_PID=$!
"$ISTORE" --bind "$HOST" --port "$MEMORY_PORT" --dir "$WORK/memory" --engine memory --appendfsync everysec \
    >"$WORK/istore-node-memory.log" 2>&1 &
MEMORY_PID=$!
wait_ready "$DISK_PORT" istore-node "$ISTORE_PID"
wait_ready "$MEMORY_PORT" istore-node-memory "$MEMORY_PID"

echo "== disk-recall $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "istore-node: $ISTORE; disk node --rocksdb-block-cache $BLOCK_CACHE; $LISTS lists x $MEMBERS members, $ROUNDS timed recalls"
timeout 3600 dotnet run -c Release --project "$REPO/perf/Istore.Perf" -- --disk-recall \
    "$DISK_PORT" "$ISTORE_PID" "$MEMORY_PORT" "$MEMORY_PID" "$LISTS" "$MEMBERS" "$ROUNDS"

#!/usr/bin/env bash
# Replication: istore-node master + replica against redis-server master + replica, on loopback.
#
#   ISTORE_BIN=publish/node/istore-node ROUNDS=3 perf/replication-compare.sh
#
# 1. Full sync: KEYS keys of DATA_SIZE bytes in each master; a fresh replica is started with
#    --replicaof and timed until master_link_status:up (redis: repl-diskless-sync yes, delay 0),
#    ROUNDS times each, interleaved; the master's RSS is sampled while the snapshot is in flight.
# 2. Throughput with one replica attached: redis-benchmark SET at -P 16 and -P 1 (CLIENTS clients),
#    istore and redis interleaved for ROUNDS rounds; also each master with its replica stopped.
# 3. Replica lag under sustained -P 16 SET load: both masters' and replicas' offsets sampled every
#    few ms; the lag of a sample is the time until the replica reached the master's offset then.
# 4. Semi-synchronous istore (--sync-replicas 1, by CONFIG SET) against asynchronous, interleaved:
#    -P 16 throughput ratio, and -P 1 -c 1 p50 latency added.
#
# Environment: KEYS (1000000) ROUNDS (3) N_P16 (1000000) N_P1 (100000) CLIENTS (50) DATA_SIZE (64)
#   ENGINE (memory) ISTORE_BIN (else published into the work directory) KEEP_WORK=1
set -euo pipefail

KEYS=${KEYS:-1000000}
ROUNDS=${ROUNDS:-3}
N_P16=${N_P16:-1000000}
N_P1=${N_P1:-100000}
CLIENTS=${CLIENTS:-50}
DATA_SIZE=${DATA_SIZE:-64}
ENGINE=${ENGINE:-memory}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_run replication-compare
PIDS=()
trap 'for p in "${PIDS[@]}"; do stop_pid "$p" server; done; cleanup' EXIT

start_istore() {   # name port [args...]
    local name=$1 port=$2; shift 2
    mkdir -p "$WORK/$name"
    "$ISTORE" --bind "$HOST" --port "$port" --dir "$WORK/$name" --engine "$ENGINE" "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!); LAST_PID=$!
    wait_ready "$port" "$name" "$LAST_PID"
}

start_redis() {   # name port [args...]
    local name=$1 port=$2; shift 2
    mkdir -p "$WORK/$name"
    redis-server --bind "$HOST" --port "$port" --save '' --dir "$WORK/$name" --repl-diskless-sync yes --repl-diskless-sync-delay 0 \
        --repl-backlog-size 64mb --logfile "$WORK/$name.log" "$@" >/dev/null 2>&1 &
    PIDS+=($!); LAST_PID=$!
    wait_ready "$port" "$name" "$LAST_PID"
}

link_up() { rcli "$1" INFO replication | tr -d '\r' | grep -q '^master_link_status:up'; }

IM=$(free_port); RM=$(free_port)
start_istore istore-master "$IM"; IM_PID=$LAST_PID
start_redis redis-master "$RM"; RM_PID=$LAST_PID
echo "== replication-compare $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "istore-node $ISTORE --engine $ENGINE; redis-server $(redis-server --version | awk '{print $3}') --save '' --repl-diskless-sync yes --repl-diskless-sync-delay 0"
for port in "$IM" "$RM"; do
    log "loading $KEYS keys into $port"
    set_commands 0 "$KEYS" "$DATA_SIZE" | timeout 600 redis-cli -h "$HOST" -p "$port" --pipe >/dev/null
done
echo
echo "-- 1. full sync of $KEYS keys x $DATA_SIZE bytes: seconds from start of a fresh replica to master_link_status:up; master RSS"
for round in $(seq 1 "$ROUNDS"); do
    for server in istore redis; do
        port=$(free_port)
        master=$IM; mpid=$IM_PID; [[ $server == redis ]] && { master=$RM; mpid=$RM_PID; }
        idle=$(rss_kb "$mpid"); peak=$idle
        start=$(date +%s%N)
        if [[ $server == istore ]]; then start_istore "r$round" "$port" --replicaof "$HOST:$IM"; else start_redis "r$round" "$port" --replicaof "$HOST" "$RM"; fi
        rpid=$LAST_PID
        until link_up "$port"; do
            r=$(rss_kb "$mpid"); (( r > peak )) && peak=$r
            sleep 0.02
        done
        secs=$(( ($(date +%s%N) - start) / 1000000 ))
        echo "sync $server round $round: $(awk -v ms="$secs" 'BEGIN {printf "%.2f", ms / 1000}') s; master RSS idle $((idle / 1024)) MiB, peak $((peak / 1024)) MiB ($(awk -v a="$peak" -v b="$idle" 'BEGIN {printf "%.2f", a / b}')x); replica DBSIZE $(rcli "$port" DBSIZE | tr -d '\r')"
        stop_pid "$rpid" replica
    done
done
echo

# Replicas for the load runs.
IR=$(free_port); RR=$(free_port)
start_istore istore-replica "$IR" --replicaof "$HOST:$IM"; IR_PID=$LAST_PID
start_redis redis-replica "$RR" --replicaof "$HOST" "$RM"; RR_PID=$LAST_PID
until link_up "$IR" && link_up "$RR"; do sleep 0.1; done

bench_csv() {   # port pipeline requests clients -> "rps p50 p99"
    timeout "$BENCH_TIMEOUT" redis-benchmark -h "$HOST" -p "$1" -c "$4" -d "$DATA_SIZE" -r "$KEYS" -t set -P "$2" -n "$3" --csv -q 2>/dev/null \
        | tr -d '\r"' | awk -F, 'NR > 1 {print $2, $5, $7}'
}

echo "-- 2. SET throughput with one replica attached (requests/s), $CLIENTS clients"
for P in 16 1; do
    N=$N_P16; [[ $P == 1 ]] && N=$N_P1
    for round in $(seq 1 "$ROUNDS"); do
        read -r irps _ ip99 <<<"$(bench_csv "$IM" "$P" "$N" "$CLIENTS")"
        read -r rrps _ rp99 <<<"$(bench_csv "$RM" "$P" "$N" "$CLIENTS")"
        echo "P$P round $round: istore $irps (p99 $ip99 ms) redis $rrps (p99 $rp99 ms) ratio $(awk -v a="$irps" -v b="$rrps" 'BEGIN {printf "%.2f", a / b}')"
    done
done
echo

echo "-- 3. replica lag under sustained -P 16 SET load (ms: p50 p99 max over samples)"
for server in istore redis; do
    master=$IM; replica=$IR; [[ $server == redis ]] && { master=$RM; replica=$RR; }
    redis-benchmark -h "$HOST" -p "$master" -c "$CLIENTS" -d "$DATA_SIZE" -r "$KEYS" -t set -P 16 -n 1000000000 -q >/dev/null 2>&1 &
    bp=$!
    python3 - "$HOST" "$master" "$replica" "$server" <<'PY' || true
import socket, sys, time
host, master, replica, name = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def conn(port):
    s = socket.create_connection((host, port)); s.settimeout(5); return s
def offset(s, field):
    s.sendall(b"INFO replication\r\n")
    data = b""
    while True:
        data += s.recv(65536)
        if data.startswith(b"$"):
            head, _, rest = data.partition(b"\r\n")
            if len(rest) >= int(head[1:]) + 2: break
    for line in data.decode().split("\r\n"):
        if line.startswith(field + ":"): return int(line.split(":")[1])
m, r = conn(master), conn(replica)
samples = []   # (t, master offset, replica offset)
end = time.monotonic() + 4.0
time.sleep(0.5)
while time.monotonic() < end:
    t = time.monotonic()
    samples.append((t, offset(m, "master_repl_offset"), offset(r, "slave_repl_offset")))
    time.sleep(0.002)
lags = []
j = 0
for i, (t, mo, _) in enumerate(samples):
    while j < len(samples) and samples[j][2] < mo: j += 1
    if j == len(samples): break
    lags.append(max(0.0, (samples[j][0] - t) * 1000))
lags.sort()
q = lambda p: lags[min(len(lags) - 1, int(p * len(lags)))]
print(f"lag {name}: p50 {q(0.5):.1f} ms, p99 {q(0.99):.1f} ms, max {lags[-1]:.1f} ms over {len(lags)} samples")
PY
    kill "$bp" 2>/dev/null || true
    wait "$bp" 2>/dev/null || true
done
echo

echo "-- 4. istore semi-synchronous (--sync-replicas 1) vs asynchronous, interleaved"
for round in $(seq 1 "$ROUNDS"); do
    rcli "$IM" CONFIG SET sync-replicas 0 >/dev/null
    read -r arps _ _ <<<"$(bench_csv "$IM" 16 "$N_P16" "$CLIENTS")"
    read -r _ ap50 ap99 <<<"$(bench_csv "$IM" 1 20000 1)"
    rcli "$IM" CONFIG SET sync-replicas 1 >/dev/null
    read -r srps _ _ <<<"$(bench_csv "$IM" 16 "$N_P16" "$CLIENTS")"
    read -r _ sp50 sp99 <<<"$(bench_csv "$IM" 1 20000 1)"
    echo "round $round: -P 16 async $arps semi-sync $srps ratio $(awk -v a="$srps" -v b="$arps" 'BEGIN {printf "%.2f", a / b}'); -P 1 -c 1 p50 async $ap50 ms semi-sync $sp50 ms (added $(awk -v a="$sp50" -v b="$ap50" 'BEGIN {printf "%.0f", (a - b) * 1000}') us), p99 $ap99 / $sp99 ms"
done
rcli "$IM" CONFIG SET sync-replicas 0 >/dev/null
echo

echo "-- 2b. SET throughput -P 16 with the replicas stopped (requests/s)"
stop_pid "$IR_PID" istore-replica; stop_pid "$RR_PID" redis-replica
for round in $(seq 1 "$ROUNDS"); do
    read -r irps _ _ <<<"$(bench_csv "$IM" 16 "$N_P16" "$CLIENTS")"
    read -r rrps _ _ <<<"$(bench_csv "$RM" 16 "$N_P16" "$CLIENTS")"
    echo "no replica P16 round $round: istore $irps redis $rrps ratio $(awk -v a="$irps" -v b="$rrps" 'BEGIN {printf "%.2f", a / b}')"
done

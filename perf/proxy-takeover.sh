#!/usr/bin/env bash
# Lossless upgrade of istore-proxy under load (issue 18's targets).
#
#   perf/proxy-takeover.sh                          # ACTIVE=1000 IDLE=10000 UPGRADES=100
#   ACTIVE=50 IDLE=500 UPGRADES=3 perf/proxy-takeover.sh   # a quick check that it works
#
# Two redis-server backends, one istore-proxy (Native AOT, --control-socket) with one tenant over
# both. perf/proxy-takeover-load.py holds ACTIVE clients looping verified SET/GET/INCR one request
# at a time and IDLE authenticated clients. The proxy is then upgraded UPGRADES times in a row
# (each: the same binary started with --takeover, waited for until the old process exits).
# Prints each takeover's time as the new process logs it ("Took over N client(s) in T ms": from
# its listening sockets to the last client), the wall time from starting the successor to the old
# process's exit, p50/p99 of request latency inside the takeover windows and outside them, and the
# totals: replies, errors, disconnects, wrong INCR counters, idle clients lost (all should be 0).
#
# Environment: ACTIVE (1000) IDLE (10000) UPGRADES (100) PROXY_THREADS (1) SETTLE (1: seconds of
#   load between upgrades) PROXY_BIN (use this istore-proxy instead of publishing one) KEEP_WORK=1
set -euo pipefail

ACTIVE=${ACTIVE:-1000}
IDLE=${IDLE:-10000}
UPGRADES=${UPGRADES:-100}
PROXY_THREADS=${PROXY_THREADS:-1}
SETTLE=${SETTLE:-1}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=common.sh
source "$REPO/perf/common.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/istore-proxy-takeover.XXXXXX")
PIDS=()
PROXY_PID=""

finish() {
    local rc=$?
    stop_pid "$PROXY_PID" istore-proxy
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    if [[ "${KEEP_WORK:-0}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap finish EXIT

need=$((ACTIVE + IDLE + 1000))
if (( $(ulimit -n) < need )); then
    ulimit -n "$need" 2>/dev/null || { echo "ulimit -n is $(ulimit -n); $need descriptors are needed" >&2; exit 1; }
fi
ensure_tools

if [[ -z "${PROXY_BIN:-}" ]]; then
    log "publishing istore-proxy (Native AOT)"
    timeout 1200 dotnet publish "$REPO/proxy/Istore.Proxy.csproj" -c Release -r linux-x64 -o "$WORK/publish" -nologo -v quiet >"$WORK/publish.log" 2>&1 \
        || { tail -40 "$WORK/publish.log" >&2; exit 1; }
    PROXY_BIN=$WORK/publish/istore-proxy
fi

start_redis_backends
IP=$(free_port)
cat >"$WORK/proxy.json" <<JSON
{"version": 1, "listen": "$HOST:$IP", "tenants": [{"name": "bench", "password": "benchpw",
  "limits": {"maxClients": 100000}, "shards": [{"master": "$HOST:$R1"}, {"master": "$HOST:$R2"}]}]}
JSON
CONTROL=$WORK/control.sock
ARGS=(--config "$WORK/proxy.json" --threads "$PROXY_THREADS" --control-socket "$CONTROL")
"$PROXY_BIN" "${ARGS[@]}" >"$WORK/proxy-0.log" 2>&1 &
PROXY_PID=$!
for _ in $(seq 300); do
    [[ $(timeout 2 redis-cli -h "$HOST" -p "$IP" -a benchpw --no-auth-warning PING 2>/dev/null) == PONG ]] && break
    sleep 0.1
done

log "opening $ACTIVE active and $IDLE idle clients"
python3 "$REPO/perf/proxy-takeover-load.py" "$HOST" "$IP" benchpw "$ACTIVE" "$IDLE" "$WORK/ready" "$WORK/stop" "$WORK/latency.txt" >"$WORK/load.txt" 2>&1 &
LOAD_PID=$!
PIDS+=("$LOAD_PID")
for _ in $(seq 1200); do [[ -e "$WORK/ready" ]] && break; kill -0 "$LOAD_PID" 2>/dev/null || break; sleep 0.1; done
[[ -e "$WORK/ready" ]] || { cat "$WORK/load.txt" >&2; echo "the load did not start" >&2; exit 1; }
sleep "$SETTLE"

WINDOWS=$WORK/windows.txt
for i in $(seq "$UPGRADES"); do
    start=$(date +%s.%N)
    "$PROXY_BIN" "${ARGS[@]}" --takeover "$CONTROL" >"$WORK/proxy-$i.log" 2>&1 &
    next=$!
    for _ in $(seq 600); do grep -q "Took over" "$WORK/proxy-$i.log" && break; kill -0 "$next" 2>/dev/null || break; sleep 0.05; done
    grep -q "Took over" "$WORK/proxy-$i.log" || { cat "$WORK/proxy-$i.log" "$WORK/proxy-$((i - 1)).log" >&2; echo "upgrade $i failed" >&2; exit 1; }
    for _ in $(seq 600); do kill -0 "$PROXY_PID" 2>/dev/null || break; sleep 0.05; done
    wait "$PROXY_PID" 2>/dev/null || true
    end=$(date +%s.%N)
    PROXY_PID=$next
    took=$(grep -o 'Took over [0-9]* client(s) in [0-9]* ms' "$WORK/proxy-$i.log")
    echo "$start $end $(awk '{print $3, $6}' <<<"$took")" >>"$WINDOWS"
    log "upgrade $i: $took; successor start to predecessor exit $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms"
    sleep "$SETTLE"
done
touch "$WORK/stop"
wait "$LOAD_PID" || true

echo "== proxy-takeover $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
echo "istore-proxy: $PROXY_THREADS loop(s); $ACTIVE active + $IDLE idle clients; $UPGRADES upgrades, ${SETTLE}s of load between them"
python3 - "$WINDOWS" "$WORK/latency.txt" <<'PY'
import bisect, statistics, sys
windows = [tuple(float(x) for x in l.split()) for l in open(sys.argv[1]) if l.strip()]
samples = [tuple(float(x) for x in l.split()) for l in open(sys.argv[2]) if l.strip()]
starts = [w[0] for w in windows]
def inside(t):
    i = bisect.bisect_right(starts, t) - 1
    return i >= 0 and t <= windows[i][1]
during = sorted(l for t, l in samples if inside(t))
other = sorted(l for t, l in samples if not inside(t))
pct = lambda xs, q: xs[min(len(xs) - 1, int(q * len(xs)))] * 1000 if xs else float("nan")
took = [w[3] for w in windows]
wall = [(w[1] - w[0]) * 1000 for w in windows]
print(f"takeover (new process's log, listeners to last client): median {statistics.median(took):.0f} ms, max {max(took):.0f} ms; clients moved per takeover: {int(statistics.median(w[2] for w in windows))}")
print(f"successor start to predecessor exit: median {statistics.median(wall):.0f} ms, max {max(wall):.0f} ms")
print(f"latency outside takeovers: p50 {pct(other, .5):.2f} ms, p99 {pct(other, .99):.2f} ms ({len(other)} requests)")
print(f"latency during takeovers:  p50 {pct(during, .5):.2f} ms, p99 {pct(during, .99):.2f} ms ({len(during)} requests); added p99 {pct(during, .99) - pct(other, .99):.2f} ms")
PY
cat "$WORK/load.txt"

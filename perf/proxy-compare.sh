#!/usr/bin/env bash
# istore-proxy (Native AOT) vs twemproxy (Debian's nutcracker) vs direct redis, interleaved.
#
#   perf/proxy-compare.sh                         # ROUNDS=3, N_P1=100000, N_P16=500000, N_LAT=20000
#   ROUNDS=5 PROXY_THREADS=2 perf/proxy-compare.sh
#
# Two redis-server backends sit behind both proxies (twemproxy: hash fnv1a_64, distribution
# ketama; istore-proxy: one tenant over the same two shards, AUTH by password); "direct" is
# redis-benchmark against the first redis-server alone. Each round runs, for each target in turn:
#   redis-benchmark -c 50 -d 64 -r 100000 -t set,get at -P 1 and at -P 16 (throughput), and
#   redis-benchmark -c 1 -P 1 (latency: average and p99 per request).
# Prints, per test, each target's median over the rounds and the medians of the per-round ratios
# the issue's targets use.
# Then 10,000 idle authenticated connections are opened to istore-proxy and its RSS growth per
# connection reported. Everything listens on 127.0.0.1 on free ports and is stopped by PID.
#
# Environment: ROUNDS (3) N_P1 (100000) N_P16 (500000) N_LAT (20000) IDLE (10000)
#   PROXY_THREADS (1) PROXY_BIN (use this istore-proxy instead of publishing one) KEEP_WORK=1
set -euo pipefail

ROUNDS=${ROUNDS:-3}
N_P1=${N_P1:-100000}
N_P16=${N_P16:-500000}
N_LAT=${N_LAT:-20000}
IDLE=${IDLE:-10000}
PROXY_THREADS=${PROXY_THREADS:-1}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/istore-proxy-compare.XXXXXX")
PIDS=()

say() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

finish() {
    local rc=$?
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    [[ "${KEEP_WORK:-0}" == 1 ]] && say "kept $WORK" || rm -rf "$WORK"
    exit "$rc"
}
trap finish EXIT

bash "$REPO/scripts/setup-deps.sh" --with-peers >&2
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
answers() {   # port [auth]: waits up to 20 s for PONG
    for _ in $(seq 200); do
        [[ $(timeout 2 redis-cli -h "$HOST" -p "$1" ${2:+-a "$2" --no-auth-warning} PING 2>/dev/null) == PONG ]] && return 0
        sleep 0.1
    done
    echo "nothing answers on port $1; logs in $WORK" >&2
    exit 1
}

if [[ -z "${PROXY_BIN:-}" ]]; then
    say "publishing istore-proxy (Native AOT)"
    timeout 1200 dotnet publish "$REPO/proxy/Istore.Proxy.csproj" -c Release -r linux-x64 -o "$WORK/publish" -nologo -v quiet >"$WORK/publish.log" 2>&1 \
        || { tail -40 "$WORK/publish.log" >&2; exit 1; }
    PROXY_BIN=$WORK/publish/istore-proxy
fi

R1=$(port); R2=$(port); TW=$(port); TWSTATS=$(port); IP=$(port)
for r in $R1 $R2; do
    redis-server --bind "$HOST" --port "$r" --save '' --appendonly no --dir "$WORK" --logfile "$WORK/redis-$r.log" &
    PIDS+=($!)
done
cat >"$WORK/nutcracker.yml" <<YML
bench:
  listen: $HOST:$TW
  hash: fnv1a_64
  distribution: ketama
  redis: true
  auto_eject_hosts: false
  timeout: 4000
  server_connections: 1
  servers:
   - $HOST:$R1:1
   - $HOST:$R2:1
YML
nutcracker -c "$WORK/nutcracker.yml" -s "$TWSTATS" -a "$HOST" -o "$WORK/nutcracker.log" &
PIDS+=($!)
cat >"$WORK/proxy.json" <<JSON
{"version": 1, "listen": "$HOST:$IP", "tenants": [{"name": "bench", "password": "benchpw",
  "limits": {"maxClients": 20000}, "shards": [{"master": "$HOST:$R1"}, {"master": "$HOST:$R2"}]}]}
JSON
"$PROXY_BIN" --config "$WORK/proxy.json" --threads "$PROXY_THREADS" --loglevel Warning >"$WORK/istore-proxy.log" 2>&1 &
PROXY_PID=$!
PIDS+=("$PROXY_PID")
answers "$R1"; answers "$R2"; answers "$TW"; answers "$IP" benchpw

echo "== proxy-compare $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
echo "backends: 2 x redis-server $(redis-server --version | awk '{print $3}'); twemproxy: $(nutcracker --version 2>&1 | awk '/nutcracker/ {print $NF}') (fnv1a_64, ketama); istore-proxy: $PROXY_THREADS loop(s)"
echo "throughput: redis-benchmark -c 50 -d 64 -r 100000 -t set,get, -n $N_P1 at -P 1, -n $N_P16 at -P 16; latency: -c 1 -P 1 -n $N_LAT; $ROUNDS interleaved rounds"
echo

bench() {   # target clients pipeline requests -> "TEST rps avg_ms p99_ms" lines
    local p=$R1 auth=()
    [[ $1 == twemproxy ]] && p=$TW
    [[ $1 == istore ]] && { p=$IP; auth=(-a benchpw); }
    timeout 600 redis-benchmark -h "$HOST" -p "$p" "${auth[@]}" -c "$2" -P "$3" -n "$4" -d 64 -r 100000 -t set,get --csv 2>/dev/null \
        | tr -d '"\r' | awk -F, '$1 == "SET" || $1 == "GET" { print $1, $2, $3, $7 }'
}

RAW=$WORK/raw.txt
for round in $(seq "$ROUNDS"); do
    for run in "50 1 $N_P1 P1" "50 16 $N_P16 P16" "1 1 $N_LAT C1"; do
        read -r clients pipeline n label <<<"$run"
        for target in direct twemproxy istore; do
            out=$(bench "$target" "$clients" "$pipeline" "$n")
            [[ $(wc -l <<<"$out") -eq 2 ]] || { echo "no result for $target $label round $round" >&2; exit 1; }
            while read -r test rps avg p99; do
                echo "$label $round $target $test $rps $avg $p99" >>"$RAW"
                say "round $round $label $target $test $rps req/s avg ${avg} ms p99 ${p99} ms"
            done <<<"$out"
        done
    done
done

python3 - "$RAW" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
med = statistics.median
def runs(label, target, test, i):   # {round: value}
    return {r[1]: float(r[i]) for r in rows if r[0] == label and r[2] == target and r[3] == test}
def ratio(label, test, a, b):       # median of the per-round ratios a/b: robust to drift between rounds
    x, y = runs(label, a, test, 4), runs(label, b, test, 4)
    return med([x[k] / y[k] for k in x])
for label, title in (("P1", "-c 50 -P 1"), ("P16", "-c 50 -P 16")):
    print(f"Throughput {title} (requests/s: median of rounds; ratios: median of per-round ratios)")
    print(f"{'test':<6}{'direct':>12}{'twemproxy':>12}{'istore':>12}{'istore/twem':>13}{'istore/direct':>15}{'twem/direct':>13}")
    for test in ("SET", "GET"):
        d, t, i = (med(runs(label, x, test, 4).values()) for x in ("direct", "twemproxy", "istore"))
        print(f"{test:<6}{d:>12,.0f}{t:>12,.0f}{i:>12,.0f}{ratio(label, test, 'istore', 'twemproxy'):>12.2f}x"
              f"{ratio(label, test, 'istore', 'direct'):>14.2f}x{ratio(label, test, 'twemproxy', 'direct'):>12.2f}x")
    print()
print("Latency -c 1 -P 1 (ms per request, median of rounds: avg / p99; added = proxy avg - direct avg)")
print(f"{'test':<6}{'direct':>14}{'twemproxy':>14}{'istore':>14}{'twem added':>12}{'istore added':>14}")
for test in ("SET", "GET"):
    a = {x: (med(runs("C1", x, test, 5).values()), med(runs("C1", x, test, 6).values())) for x in ("direct", "twemproxy", "istore")}
    fmt = lambda v: f"{v[0]:.3f}/{v[1]:.3f}"
    print(f"{test:<6}{fmt(a['direct']):>14}{fmt(a['twemproxy']):>14}{fmt(a['istore']):>14}"
          f"{a['twemproxy'][0]-a['direct'][0]:>12.3f}{a['istore'][0]-a['direct'][0]:>14.3f}")
PY
echo

# --- idle connections ------------------------------------------------------------------------
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$PROXY_PID/status"; }
before=$(rss)
python3 - "$HOST" "$IP" "$IDLE" "$WORK/idle.ready" <<'PY' &
import socket, sys, time, os
host, port, n, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
conns = []
for _ in range(n):
    s = socket.create_connection((host, port))
    s.sendall(b"*2\r\n$4\r\nAUTH\r\n$7\r\nbenchpw\r\n")
    conns.append(s)
for s in conns:
    assert s.recv(16).startswith(b"+OK"), "AUTH failed"
open(ready, "w").close()
time.sleep(30)
PY
IDLE_PID=$!
PIDS+=("$IDLE_PID")
for _ in $(seq 600); do [[ -e "$WORK/idle.ready" ]] && break; sleep 0.1; done
[[ -e "$WORK/idle.ready" ]] || { echo "the idle connections were not all accepted" >&2; exit 1; }
sleep 1
after=$(rss)
echo "Idle connections: $IDLE authenticated clients held; istore-proxy RSS ${before} KB -> ${after} KB, $(awk -v d=$((after - before)) -v n="$IDLE" 'BEGIN { printf "%.2f", d / n }') KB per connection"
echo "connected_clients: $(redis-cli -h "$HOST" -p "$IP" -a benchpw --no-auth-warning INFO clients | tr -d '\r' | awk -F: '/^connected_clients/ {print $2}')"

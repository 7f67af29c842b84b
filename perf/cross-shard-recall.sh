#!/usr/bin/env bash
# Issue 19's cross-shard recall targets: RL.RECALL through istore-proxy over a tenant of 3 shards
# against the same recall on one istore-node, and against fetching the lists to the client and
# merging there (10 lists x MEMBERS, top 100, 1,000 exclusions; see perf/Istore.Perf/CrossShardRecall.cs).
#   perf/cross-shard-recall.sh                         # MEMBERS=100000 ROUNDS=200, publishes Native AOT binaries
#   ISTORE_BIN=publish/node/istore-node PROXY_BIN=publish/proxy/istore-proxy MEMBERS=2000 ROUNDS=20 perf/cross-shard-recall.sh
# Four nodes (memory engine) and one proxy on 127.0.0.1, free ports, temporary directories; stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${MEMBERS:-100000}
ROUNDS=${ROUNDS:-200}
if [ -z "${ISTORE_BIN:-}" ] || [ -z "${PROXY_BIN:-}" ]; then
  bash scripts/publish.sh
  ISTORE_BIN=${ISTORE_BIN:-publish/node/istore-node}
  PROXY_BIN=${PROXY_BIN:-publish/proxy/istore-proxy}
fi
work=$(mktemp -d)
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ports=()
for i in 0 1 2 3; do
  port=$(free_port); ports+=("$port")
  "$ISTORE_BIN" --port "$port" --bind 127.0.0.1 --dir "$work/node$i" >"$work/node$i.log" 2>&1 &
  pids+=($!)
done
single_pid=${pids[3]}
proxy_port=$(free_port)
cat >"$work/proxy.json" <<JSON
{"version": 1, "listen": "127.0.0.1:$proxy_port", "tenants": [{"name": "t1", "password": "p1",
  "shards": [{"master": "127.0.0.1:${ports[0]}"}, {"master": "127.0.0.1:${ports[1]}"}, {"master": "127.0.0.1:${ports[2]}"}]}]}
JSON
"$PROXY_BIN" --config "$work/proxy.json" >"$work/proxy.log" 2>&1 &
proxy_pid=$!
pids+=("$proxy_pid")
for port in "${ports[@]}" "$proxy_port"; do
  for _ in $(seq 100); do redis-cli -p "$port" PING 2>/dev/null | grep -q -e PONG -e NOAUTH && break; sleep 0.1; done
done
timeout 3600 dotnet run -c Release --project perf/Istore.Perf -- --cross-shard-recall "$proxy_port" "$proxy_pid" "${ports[3]}" "$single_pid" "$MEMBERS" "$ROUNDS"

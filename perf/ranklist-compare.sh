#!/usr/bin/env bash
# RL.RECALL on istore-node (Native AOT) against the usual Redis way on redis-server, same run.
#   perf/ranklist-compare.sh            # ROUNDS=50 recalls timed (×50 with DEPTH; redis ROUNDS/10)
#   ISTORE_BIN=publish/node/istore-node ROUNDS=20 perf/ranklist-compare.sh
# Both servers on 127.0.0.1, free ports, temporary directories; stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-50}
if [ -z "${ISTORE_BIN:-}" ]; then
  bash scripts/publish.sh
  ISTORE_BIN=publish/node/istore-node
fi
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
istore_port=$(free_port); redis_port=$(free_port)
"$ISTORE_BIN" --port "$istore_port" --bind 127.0.0.1 --dir "$work/istore" >"$work/istore.log" 2>&1 &
istore_pid=$!
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
redis_pid=$!
trap 'kill "$istore_pid" "$redis_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for port in "$istore_port" "$redis_port"; do
  for _ in $(seq 100); do redis-cli -p "$port" PING >/dev/null 2>&1 && break; sleep 0.1; done
done
timeout 1800 dotnet run -c Release --project perf/Istore.Perf -- --ranklist-compare "$istore_port" "$istore_pid" "$redis_port" "$redis_pid" "$ROUNDS"

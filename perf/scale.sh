#!/usr/bin/env bash
# Issue 14's targets on the Native AOT binaries, on loopback (see perf/Istore.Perf/ScaleRun.cs):
# HA's key moves per second while a tenant scales 2 -> 3 -> 2, the cut-over write pause, and
# client p99 through the proxy while keys move over its p99 when they do not.
#
#   KEYS=1000000 ROUNDS=3 ENGINE=memory RATE=200000 perf/scale.sh   (RATE: HA's --scale-keys-per-sec)
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
bash scripts/setup-deps.sh --with-peers
bash scripts/publish.sh
dotnet run -c Release --project perf/Istore.Perf -- --scale "$REPO/publish" "${ENGINE:-memory}" "${KEYS:-1000000}" "${ROUNDS:-3}" "${RATE:-200000}"

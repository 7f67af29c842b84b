#!/usr/bin/env bash
# istore-ha's targets on the Native AOT binaries, on loopback (see perf/Istore.Perf/FailoverRun.cs):
# unplanned failover time (kill -9 master -> first write acknowledged through the proxy), planned
# switchover pause, acknowledged writes lost (--sync-replicas 1), HA leader change on etcd.
#
#   TRIALS=20 ENGINE=memory perf/failover.sh
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
bash scripts/setup-deps.sh --with-peers
bash scripts/publish.sh
etcd_bin=$(command -v etcd || true)
dotnet run -c Release --project perf/Istore.Perf -- --failover "$REPO/publish" "${ENGINE:-memory}" "${TRIALS:-20}" $etcd_bin

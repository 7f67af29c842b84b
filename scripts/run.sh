#!/usr/bin/env bash
# Builds the Native AOT binaries and starts a whole local cluster with embedded defaults
# (`istore-ha up`): 2 shards of master + replica, HA, a proxy on 127.0.0.1:7000, the admin API
# and dashboard on 127.0.0.1:7180, a tenant "demo"; data in ./data. It prints the proxy address,
# the tenant's AUTH line, the dashboard URL and the admin token (also in ./data/cluster.json).
# Extra arguments go to `istore-ha up` (e.g. --shards 4 --engine disk).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/publish.sh
exec ./publish/ha/istore-ha up "$@"

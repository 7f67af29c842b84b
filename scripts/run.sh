#!/usr/bin/env bash
# Builds the Native AOT istore-node and starts it with embedded defaults:
# 127.0.0.1:6379, data in ./data, appendfsync everysec. Extra arguments go to istore-node.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/publish.sh
exec ./publish/node/istore-node "$@"

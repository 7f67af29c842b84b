#!/usr/bin/env bash
# Runs every test: the xunit suite under JIT, then the AOT smoke tests against the Native AOT
# binaries. Ends with one line "N passed, N failed" summed over both runs.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh --with-peers || exit 1
results=TestResults
rm -rf "$results"

dotnet test Istore.sln --nologo -c Debug --logger "trx;LogFileName=jit.trx" --results-directory "$results"
jit_status=$?

aot_status=0
if bash scripts/publish.sh; then
  ISTORE_NODE_BINARY="$PWD/publish/node/istore-node" ISTORE_PROXY_BINARY="$PWD/publish/proxy/istore-proxy" ISTORE_HA_BINARY="$PWD/publish/ha/istore-ha" \
    dotnet test tests/Istore.Tests --nologo -c Debug --no-build \
    --filter "FullyQualifiedName~NodeSmokeTests|FullyQualifiedName~DiskDirectoryTests|FullyQualifiedName~ProxySmokeTests|FullyQualifiedName~ProxyTakeoverSmokeTests|FullyQualifiedName~ReplicationSmokeTests|FullyQualifiedName~HaSmokeTests|FullyQualifiedName~UpSmokeTests" \
    --logger "trx;LogFileName=aot.trx" --results-directory "$results"
  aot_status=$?
else
  echo "Native AOT publish failed"
  aot_status=1
fi

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(echo "$counters" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*')
  f=$(echo "$counters" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
# A build or publish failure counts as a failure even when no test result says so.
if [ "$failed" -eq 0 ] && { [ "$jit_status" -ne 0 ] || [ "$aot_status" -ne 0 ]; }; then
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

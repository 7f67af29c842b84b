#!/usr/bin/env bash
# Publishes every istore executable with Native AOT into ./publish/<name>/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
for project in node/Istore.Node.csproj proxy/Istore.Proxy.csproj ha/Istore.Ha.csproj; do
  name=$(basename "$(dirname "$project")")
  dotnet publish "$project" -c Release -r linux-x64 -o "publish/$name" --nologo -v quiet
done

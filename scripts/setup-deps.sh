#!/usr/bin/env bash
# Installs what building and testing istore needs on Debian 12 beyond the .NET 10 SDK:
# a C toolchain for Native AOT linking (clang, zlib) and, for tests and benchmarks,
# Redis's server and tools and twemproxy (nutcracker) as reference peers. Installs only what is missing.
set -euo pipefail

want=()
command -v clang >/dev/null 2>&1 || want+=(clang)
[ -e /usr/include/zlib.h ] || want+=(zlib1g-dev)
if [ "${1:-}" = "--with-peers" ]; then
  command -v redis-server >/dev/null 2>&1 || want+=(redis-server)
  command -v redis-benchmark >/dev/null 2>&1 || want+=(redis-tools)
  command -v nutcracker >/dev/null 2>&1 || want+=(nutcracker)   # twemproxy, the proxy benchmarks' reference
fi
if [ ${#want[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing: ${want[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${want[@]}" >/dev/null
fi
# The Debian redis-server package may start a system service on 6379, the port istore-node
# takes by default; tests and benchmarks start their own redis-server on other ports.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
  systemctl stop redis-server || true
elif [ -x /etc/init.d/redis-server ] && /etc/init.d/redis-server status >/dev/null 2>&1; then
  /etc/init.d/redis-server stop >/dev/null || true
fi

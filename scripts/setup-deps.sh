#!/usr/bin/env bash
# Installs what building and testing istore needs on Debian 12 beyond the .NET 10 SDK:
# a C toolchain for Native AOT linking (clang, zlib), Lua 5.1 with cjson and bitop for scripting and, for tests and benchmarks,
# Redis's server and tools, twemproxy (nutcracker) as reference peers, and etcd (istore-ha's shared
# state); Node.js and npm, whose `npm ci` fetches the dashboard's chart library at build time; and,
# for the dashboard's browser tests, Chromium and its WebDriver. Installs only what is missing.
set -euo pipefail

want=()
command -v clang >/dev/null 2>&1 || want+=(clang)
[ -e /usr/include/zlib.h ] || want+=(zlib1g-dev)
command -v node >/dev/null 2>&1 || want+=(nodejs)
command -v npm >/dev/null 2>&1 || want+=(npm)
# Lua 5.1 for EVAL/FUNCTION (istore-node binds liblua5.1.so.0 at run time) and the modules Redis bundles that Debian packages.
[ -e /usr/lib/x86_64-linux-gnu/liblua5.1.so.0 ] || want+=(liblua5.1-0)
[ -e /usr/lib/x86_64-linux-gnu/liblua5.1-cjson.so.0 ] || want+=(lua-cjson)
[ -e /usr/lib/x86_64-linux-gnu/liblua5.1-bitop.so.0 ] || want+=(lua-bitop)
if [ "${1:-}" = "--with-peers" ]; then
  command -v redis-server >/dev/null 2>&1 || want+=(redis-server)
  command -v redis-benchmark >/dev/null 2>&1 || want+=(redis-tools)
  command -v nutcracker >/dev/null 2>&1 || want+=(nutcracker)   # twemproxy, the proxy benchmarks' reference
  command -v etcd >/dev/null 2>&1 || want+=(etcd-server)         # 3.4 on Debian 12: the HA tests' shared store
  command -v chromium >/dev/null 2>&1 || want+=(chromium)         # the dashboard's browser tests, headless
  command -v chromedriver >/dev/null 2>&1 || want+=(chromium-driver)
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
# Likewise etcd-server's service takes 2379/2380; the HA tests start their own etcd on free ports.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet etcd 2>/dev/null; then
  systemctl stop etcd || true
elif [ -x /etc/init.d/etcd ] && /etc/init.d/etcd status >/dev/null 2>&1; then
  /etc/init.d/etcd stop >/dev/null || true
fi

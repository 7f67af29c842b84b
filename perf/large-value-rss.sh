#!/usr/bin/env bash
# Resident memory after large values (issue 17: RSS close to the data, as Redis users expect): one
# SET of a 512 MB and one of a 64 MB random string, then a BITCOUNT of the first, into istore-node on
# the memory and the disk engine and into redis-server (AOF everysec, as istore logs every write);
# the client disconnects and every server's RSS is read while they stay quiet, then after MEMORY PURGE
# (istore: a full compacting collection; what is left is live data, the engines' own memory and the
# runtime). RSS is not timing: other load on the machine does not change it.
#
#   flock /tmp/istore-bench.lock perf/large-value-rss.sh
#
# Environment: ISTORE_BIN (default: Native AOT publish)  QUIET (seconds between readings, 3)  KEEP_WORK=1
set -euo pipefail

QUIET=${QUIET:-3}
HOST=127.0.0.1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_side_by_side large-value-rss
istore_binary

start_named memory "$ISTORE" --engine memory
start_named disk "$ISTORE" --engine disk
start_named redis redis-server --save '' --appendonly yes --appendfsync everysec --daemonize no
echo "== large-value-rss $(date -u '+%Y-%m-%dT%H:%M:%SZ'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpu(s)"
for i in "${!NAMES[@]}"; do echo "${NAMES[$i]}: ${BINARIES[$i]} (pid ${PIDS[$i]}, port ${PORTS[$i]})"; done

REPO="$REPO" python3 - "${PORTS[@]}" <<'PY'
import os, random, sys
sys.path.insert(0, os.environ["REPO"] + "/perf")
from resp_client import command, connect, read_reply

def call(sock, *args):
    sock.sendall(command(*args))
    answer = read_reply(sock, bytearray())
    if isinstance(answer, Exception):
        raise answer
    return answer

socks = [connect(int(port)) for port in sys.argv[1:]]
for seed, (key, mib) in enumerate(((b"huge", 512), (b"big", 64))):
    rng = random.Random(seed)
    value = b"".join(rng.randbytes(1 << 20) for _ in range(mib))
    for sock in socks:
        call(sock, b"SET", key, value)
    del value
for sock in socks:
    call(sock, b"BITCOUNT", b"huge")
    sock.close()
PY

readings() {   # label
    local row="$1"
    for i in "${!NAMES[@]}"; do row+=$(printf '%12s' "$(( $(rss_kb "${PIDS[$i]}") >> 10 )) MiB"); done
    echo "$row"
}
echo
printf '%-34s' "RSS after 576 MB of strings"; for name in "${NAMES[@]}"; do printf '%12s' "$name"; done; echo
readings "$(printf '%-34s' 'client gone')"
for n in 1 2 3; do
    sleep "$QUIET"
    readings "$(printf '%-34s' "quiet $((n * QUIET)) s")"
done
for i in "${!NAMES[@]}"; do [[ ${NAMES[$i]} == redis ]] || rcli "${PORTS[$i]}" MEMORY PURGE >/dev/null; done
sleep 1
readings "$(printf '%-34s' 'after MEMORY PURGE (istore)')"


#!/usr/bin/env bash
# Issue 17 item 5: memory of many small collections, istore-node (memory engine) vs redis-server.
#
#   perf/small-collections.sh                         # 100,000 keys of 10 elements, each shape
#   KEYS=200000 ELEMENTS=20 ROUNDS=2 perf/small-collections.sh
#
# For each shape (hash, set, zset) and round: fresh istore-node and redis-server processes, RSS
# when empty, load KEYS collections of ELEMENTS elements each through redis-cli --pipe, RSS again;
# prints each server's growth and the ratio istore/redis (median over rounds), and istore's growth
# once MEMORY PURGE has run a full compacting GC (what is left is live data, not garbage the GC has
# not collected yet). RSS is not timing: other load on the machine does not change it. GC settings
# pass through the environment (e.g. DOTNET_gcConcurrent=1).
#
# Environment: KEYS (100000)  ELEMENTS (10)  ROUNDS (1)  ISTORE_BIN  ISTORE_ARGS  KEEP_WORK=1
set -euo pipefail

KEYS=${KEYS:-100000}
ELEMENTS=${ELEMENTS:-10}
ROUNDS=${ROUNDS:-1}
ISTORE_ARGS=${ISTORE_ARGS:-}
REDIS_ARGS=""
HOST=127.0.0.1

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_run small-collections

# HSET user:i field0 value_i …, SADD set:i member0_i …, ZADD zset:i 0 member0_i … as RESP.
commands() {   # shape
    python3 - "$1" "$KEYS" "$ELEMENTS" <<'PY'
import sys
shape, keys, elements = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def encode(args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)
out = sys.stdout.buffer
chunk = []
for i in range(keys):
    if shape == "hash":
        args = [b"HSET", b"user:%d" % i] + [x for f in range(elements) for x in (b"field%d" % f, b"value_%d" % i)]
    elif shape == "set":
        args = [b"SADD", b"set:%d" % i] + [b"member%d_%d" % (m, i) for m in range(elements)]
    else:
        args = [b"ZADD", b"zset:%d" % i] + [x for m in range(elements) for x in (b"%d" % (m * 7 + i % 13), b"member%d_%d" % (m, i))]
    chunk.append(encode(args))
    if len(chunk) == 10000:
        out.write(b"".join(chunk)); chunk.clear()
out.write(b"".join(chunk))
PY
}

encoding() { rcli "$1" OBJECT ENCODING "$2" | tr -d '\r'; }

echo "== small-collections $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "istore-node: $ISTORE${ISTORE_ARGS:+ args: $ISTORE_ARGS}; redis-server $(redis-server --version | awk '{print $3}') --save ''"
echo "$KEYS keys of $ELEMENTS elements per shape, $ROUNDS round(s), fresh processes each"
echo
raw=$WORK/rows.txt
: >"$raw"
for shape in hash set zset; do
    commands "$shape" >"$WORK/$shape.resp"
    first=$(case $shape in hash) echo user:0;; set) echo set:0;; zset) echo zset:0;; esac)
    for round in $(seq 1 "$ROUNDS"); do
        pick_ports
        start_servers "$shape-$round"
        istore_empty=$(rss_kb "$ISTORE_PID"); redis_empty=$(rss_kb "$REDIS_PID")
        redis-cli -h "$HOST" -p "$ISTORE_PORT" --pipe <"$WORK/$shape.resp" >/dev/null
        redis-cli -h "$HOST" -p "$REDIS_PORT" --pipe <"$WORK/$shape.resp" >/dev/null
        sleep 1
        istore_full=$(rss_kb "$ISTORE_PID"); redis_full=$(rss_kb "$REDIS_PID")
        rcli "$ISTORE_PORT" MEMORY PURGE >/dev/null
        sleep 1
        istore_purged=$(rss_kb "$ISTORE_PID")
        echo "$shape $round $istore_empty $istore_full $redis_empty $redis_full $(encoding "$ISTORE_PORT" "$first") $(encoding "$REDIS_PORT" "$first") $istore_purged" >>"$raw"
        log "$shape round $round: istore +$(( (istore_full - istore_empty) / 1024 )) MiB, redis +$(( (redis_full - redis_empty) / 1024 )) MiB"
        stop_servers
    done
done
python3 - "$raw" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
print(f"{'shape':<6}{'istore growth MiB':>19}{'redis growth MiB':>18}{'ratio':>8}{'istore after purge':>20}{'ratio':>8}   encodings (istore / redis)   per-round ratios")
for shape in ("hash", "set", "zset"):
    mine = [r for r in rows if r[0] == shape]
    grow = lambda r, a, b: (int(r[b]) - int(r[a])) / 1024
    ratios = [grow(r, 2, 3) / grow(r, 4, 5) for r in mine]
    purged = [grow(r, 2, 8) / grow(r, 4, 5) for r in mine]
    print(f"{shape:<6}{statistics.median(grow(r, 2, 3) for r in mine):>19.1f}{statistics.median(grow(r, 4, 5) for r in mine):>18.1f}"
          f"{statistics.median(ratios):>7.2f}x{statistics.median(grow(r, 2, 8) for r in mine):>20.1f}{statistics.median(purged):>7.2f}x"
          f"   {mine[0][6]} / {mine[0][7]}   " + " ".join(f"{x:.2f}" for x in ratios))
PY

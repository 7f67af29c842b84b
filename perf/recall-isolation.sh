#!/usr/bin/env bash
# Issue 17 item 2: do other clients wait while RL.RECALL runs? (target: their GET p99 <= 2 ms)
#
#   perf/recall-isolation.sh                       # 10 lists x 100,000 members, 2 rounds of 10 s
#   LISTS=10 MEMBERS=100000 ROUNDS=3 SECONDS=20 perf/recall-isolation.sh
#
# A fresh istore-node (memory engine, default threads) gets LISTS ranklists of MEMBERS members
# (RL.ADD through redis-cli --pipe), then perf/recall-isolation.py: three clients each send a
# command every millisecond (GET; SET; RL.ADD to a list the recalls read) alone for 3 s, then while
# another runs RL.RECALL 100 over all the lists back to back; each probe's p50 / p99 / max in both
# phases and the recalls' own latency are printed.
#
# Environment: LISTS (10)  MEMBERS (100000)  ROUNDS (2)  SECONDS (10)  ISTORE_BIN  ISTORE_ARGS  KEEP_WORK=1
set -euo pipefail

LISTS=${LISTS:-10}
MEMBERS=${MEMBERS:-100000}
ROUNDS=${ROUNDS:-2}
SECONDS_PER_ROUND=${SECONDS:-10}
ISTORE_ARGS=${ISTORE_ARGS:-}
HOST=127.0.0.1

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_run recall-isolation

python3 - "$LISTS" "$MEMBERS" >"$WORK/lists.resp" <<'PY'
import random, sys
lists, members = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(1)
out = sys.stdout.buffer
for l in range(lists):
    for start in range(0, members, 1000):
        args = [b"RL.ADD", b"rl:%d" % l]
        for m in range(start, min(members, start + 1000)):
            args += [b"%d" % rng.randrange(1_000_000), b"member:%d" % rng.randrange(members * 2)]
        out.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
PY

echo "== recall-isolation $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "istore-node: $ISTORE${ISTORE_ARGS:+ args: $ISTORE_ARGS}; $LISTS lists x $MEMBERS members; $ROUNDS round(s) of $SECONDS_PER_ROUND s"
for round in $(seq 1 "$ROUNDS"); do
    ISTORE_PORT=$(free_port)
    mkdir -p "$WORK/round-$round"
    # shellcheck disable=SC2086  # ISTORE_ARGS is a word list on purpose
    "$ISTORE" --bind "$HOST" --port "$ISTORE_PORT" --dir "$WORK/round-$round" $ISTORE_ARGS >"$WORK/istore-node.log" 2>&1 &
    ISTORE_PID=$!
    wait_ready "$ISTORE_PORT" istore-node "$ISTORE_PID"
    redis-cli -h "$HOST" -p "$ISTORE_PORT" --pipe <"$WORK/lists.resp" >/dev/null
    rcli "$ISTORE_PORT" SET probe value >/dev/null
    echo
    echo "-- round $round"
    python3 "$REPO/perf/recall-isolation.py" "$ISTORE_PORT" "$LISTS" "$SECONDS_PER_ROUND"
    stop_pid "$ISTORE_PID" istore-node; ISTORE_PID=""
done

#!/usr/bin/env bash
# Redis's own test suites (7.0.x, external-server mode) against istore-node on the memory engine,
# on the disk engine, and against redis-server, with the same options for all three; prints a
# table of ok / err / exception counts per suite and target, and where a suite stopped early.
#
# Usage: perf/redis-suites.sh REDIS_SRC [suite ...]
#   REDIS_SRC holds Redis's tests/ directory (e.g. `git archive 7.0.15 tests | tar -x -C REDIS_SRC`);
#   it is copied, not changed. Default suites: issue 15's families and issue 16's (scripting,
#   functions, streams). Fetches nothing.
#   ISTORE_BIN: the istore-node binary (default: Native AOT publish); TARGETS: subset of
#   "memory disk redis"; SUITE_TIMEOUT: seconds per suite run (default 900); KEEP_WORK=1 keeps logs;
#   TAGS: test_helper's --tags list for every target, e.g. "-needs:repl -needs:config-maxmemory".
#
# Patches (identical for all targets): the external:skip tag is removed from single-server blocks
# that run against any server whose state the suite may change freely (acl's first block,
# pubsubshard's first, info's, and maxmemory's top-level blocks, and client-eviction's whole file,
# which runs only when named; nested blocks that start a second server stay skipped). Every target runs each suite on a fresh server, redis-server with
# `--enable-debug-command yes` since istore answers the DEBUG subcommands the suites use.
set -euo pipefail

[[ $# -ge 1 && -d "$1/tests" ]] || { echo "usage: $0 REDIS_SRC [suite ...]  (REDIS_SRC/tests from Redis 7.0.x)" >&2; exit 2; }
SRC=$(cd "$1" && pwd); shift
HOST=127.0.0.1
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_run redis-suites

SUITES=("$@")
((${#SUITES[@]})) || SUITES=(bitops bitfield hyperloglog geo sort dump pubsub pubsubshard keyspace tracking
    introspection introspection-2 info latency-monitor multi slowlog acl maxmemory
    scripting functions type/stream type/stream-cgroups)
read -r -a TARGET_LIST <<<"${TARGETS:-memory disk redis}"
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}
command -v tclsh >/dev/null 2>&1 || { echo "tclsh not found (apt-get install tcl)" >&2; exit 1; }

cp -r "$SRC/tests" "$WORK/tests"
unskip() {   # file, sed address of the start_server lines to run externally
    sed -i "$2 s/ \"external:skip\"//; $2 s/ external:skip//" "$WORK/tests/unit/$1.tcl"
}
unskip acl '/^start_server {tags {"acl external:skip"}}/'
unskip pubsubshard '1'
unskip info '/^start_server {tags {"info" "external:skip"}}/'
unskip maxmemory '/^start_server {tags {"maxmemory.*external:skip"}}/'
sed -i '1 s/^tags {"external:skip"} {/tags {} {/' "$WORK/tests/unit/client-eviction.tcl"   # run only when named

start_target() {   # target suite port (the server's log: $WORK/target-suite.log, as wait_ready expects)
    local name=$1-$2 dir=$WORK/$1-$2/data
    mkdir -p "$dir"
    case $1 in
        memory|disk) "$ISTORE" --bind "$HOST" --port "$3" --dir "$dir" --engine "$1" >"$WORK/$name.log" 2>&1 & ;;
        redis) redis-server --bind "$HOST" --port "$3" --save '' --enable-debug-command yes --daemonize no \
                   --dir "$dir" --logfile "$WORK/$name.log" >/dev/null 2>&1 & ;;
    esac
    SERVER_PID=$!
    if [[ $1 == redis ]]; then REDIS_PID=$SERVER_PID; else ISTORE_PID=$SERVER_PID; fi
    wait_ready "$3" "$name" "$SERVER_PID"
}

# One suite against one target: "ok err exception ignored | where it stopped".
run_suite() {   # target suite
    local port out summary coordinator attempt
    port=$(free_port)
    start_target "$1" "$2" "$port"
    out=$WORK/$1-$2/output.txt
    for attempt in 1 2 3; do   # the test server's own port can be taken between its check and its bind: try another
        coordinator=$((20000 + RANDOM % 25000))   # it needs port+10000 free too; not the default, which another run may hold
        (cd "$WORK" && TERM=dumb timeout "$SUITE_TIMEOUT" tclsh tests/test_helper.tcl --host "$HOST" --port "$port" \
            --singledb --single "unit/$2" ${TAGS:+--tags "$TAGS"} --timeout 300 --baseport $((coordinator + 32)) --portcount 32 --dont-clean >"$out" 2>&1) || true
        grep -q "couldn't open socket: address already in use\|Can't find a non busy port" "$out" || break
    done
    stop_pid "$SERVER_PID" "$1"; ISTORE_PID=""; REDIS_PID=""
    summary=$(awk '
        /^\[ok\]:/ { ok++; last = $0 }
        /^\[err\]:/ { err++; last = $0 }
        /^\[ignore\]:|^\[skip\]:/ { ign++ }
        /^\[exception\]:/ { exc++; stop = $0; getline; stop = stop " / " $0 }
        /\[TIMEOUT\]/ { stop = $0 }
        /^\[[0-9]+\/[0-9]+ done\]:/ { done = 1 }
        END {
            if (!stop && !done) stop = "did not finish (killed after the suite timeout?)"
            if (stop) { sub(/^\[(ok|err)\]: /, "", last); stop = stop " -- after: " last }
            printf "%d %d %d %d|%s\n", ok, err, exc, ign, stop
        }' "$out")
    echo "$summary"
}

echo "== Redis's test suites from $SRC, external mode, $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), load average $(cut -d' ' -f1-3 /proc/loadavg); istore-node: $ISTORE; $(redis-server --version | awk '{print $1, $2, $3}')"
echo "per suite: tclsh tests/test_helper.tcl --host $HOST --port PORT --singledb --single unit/SUITE${TAGS:+ --tags \"$TAGS\"} --timeout 300 (fresh server each)"
echo
printf '%-20s' suite; for t in "${TARGET_LIST[@]}"; do printf '%-24s' "$t ok/err/exc/skip"; done; echo
declare -A STOPS
for suite in "${SUITES[@]}"; do
    printf '%-20s' "$suite"
    for t in "${TARGET_LIST[@]}"; do
        line=$(run_suite "$t" "$suite")
        read -r ok err exc ign <<<"${line%%|*}"
        printf '%-24s' "$ok/$err/$exc/$ign"
        [[ -z "${line#*|}" ]] || STOPS[$suite $t]=${line#*|}
    done
    echo
done
echo
echo "Failures and early stops:"
for suite in "${SUITES[@]}"; do
    for t in "${TARGET_LIST[@]}"; do
        grep -h '^\[err\]:\|^\[exception\]:' "$WORK/$t-$suite/output.txt" 2>/dev/null | sed "s|^|  $suite $t: |" | cut -c1-220 || true
        [[ -z "${STOPS[$suite $t]:-}" ]] || echo "  $suite $t stopped: ${STOPS[$suite $t]}" | cut -c1-300
    done
done

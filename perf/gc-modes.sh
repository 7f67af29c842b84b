#!/usr/bin/env bash
# Issue 17 item 3: GC pauses of istore-node under load, by GC mode.
#
#   perf/gc-modes.sh                                  # both modes, 2 rounds
#   MODES="concurrent" ROUNDS=3 perf/gc-modes.sh
#
# Per round and mode (interleaved): a fresh node (memory engine) with KEYS 64-byte strings, then
# redis-benchmark SET -P 16 over the same keys (overwrites: the log fills with dead records, so
# housekeeping compacts it and asks for a full GC) while a loop creates and deletes big hashes
# (100,000 removed elements also ask for one). Prints throughput, p99 and max latency, the GCs by
# generation and the GC's total pause during the run, and RSS at the end.
# Modes: workstation = DOTNET_gcConcurrent=0 (every GC stops the loops), concurrent =
# DOTNET_gcConcurrent=1 (background full GCs). Server GC is not among them: Native AOT links the
# GC at publish time and leaves the server GC out unless it is chosen there (DOTNET_gcServer=1 is
# then ignored; INFO's gc_server shows which ran).
#
# Environment: KEYS (1000000)  REQUESTS (4000000)  ROUNDS (2)  MODES  ISTORE_BIN  KEEP_WORK=1
set -euo pipefail

KEYS=${KEYS:-1000000}
REQUESTS=${REQUESTS:-4000000}
ROUNDS=${ROUNDS:-2}
MODES=${MODES:-workstation concurrent}
HOST=127.0.0.1

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=perf/common.sh
source "$REPO/perf/common.sh"
begin_run gc-modes

gc_field() { rcli "$1" INFO memory | tr -d '\r' | awk -F: -v f="$2" '$1 == f {print $2}'; }

python3 - >"$WORK/hashes.resp" <<'PY'
import sys
out = sys.stdout.buffer
args = [b"HSET", b"big"] + [x for f in range(20000) for x in (b"f%d" % f, b"v%d" % f)]
out.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
out.write(b"*2\r\n$3\r\nDEL\r\n$3\r\nbig\r\n")
PY

echo "== gc-modes $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cpu(s), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "istore-node: $ISTORE; $KEYS keys, SET -P 16 -c 50 -d 64 x $REQUESTS over them while 20,000-field hashes are made and deleted"
printf '%-12s %5s %10s %8s %8s %14s %10s %8s\n' mode round "SET/s" "p99 ms" "max ms" "GCs g0,g1,g2" "pause ms" "RSS MiB"
for round in $(seq 1 "$ROUNDS"); do
    for mode in $MODES; do
        case $mode in
            workstation) env=(DOTNET_gcConcurrent=0) ;;
            concurrent) env=(DOTNET_gcConcurrent=1) ;;
            *) echo "unknown mode $mode" >&2; exit 1 ;;
        esac
        ISTORE_PORT=$(free_port)
        mkdir -p "$WORK/$mode-$round"
        env "${env[@]}" "$ISTORE" --bind "$HOST" --port "$ISTORE_PORT" --dir "$WORK/$mode-$round" >"$WORK/istore-node.log" 2>&1 &
        ISTORE_PID=$!
        wait_ready "$ISTORE_PORT" istore-node "$ISTORE_PID"
        set_commands 0 "$KEYS" 64 | redis-cli -h "$HOST" -p "$ISTORE_PORT" --pipe >/dev/null
        gcs0=$(gc_field "$ISTORE_PORT" gc_collections); pause0=$(gc_field "$ISTORE_PORT" gc_pause_total_ms)
        ( while :; do redis-cli -h "$HOST" -p "$ISTORE_PORT" --pipe <"$WORK/hashes.resp" >/dev/null 2>&1 || exit 0; sleep 0.2; done ) &
        churn=$!
        read -r _ rps p99 max < <(timeout 600 redis-benchmark -h "$HOST" -p "$ISTORE_PORT" -c 50 -d 64 -r "$KEYS" -t set -P 16 -n "$REQUESTS" --csv -q 2>/dev/null \
            | tr -d '\r"' | awk -F, 'NR > 1 {print $1, $2, $7, $8}')
        kill "$churn" 2>/dev/null || true; wait "$churn" 2>/dev/null || true
        gcs1=$(gc_field "$ISTORE_PORT" gc_collections); pause1=$(gc_field "$ISTORE_PORT" gc_pause_total_ms)
        IFS=, read -r a0 b0 c0 <<<"$gcs0"; IFS=, read -r a1 b1 c1 <<<"$gcs1"
        printf '%-12s %5s %10s %8s %8s %14s %10s %8s   (%s)\n' "$mode" "$round" "$rps" "$p99" "$max" "$((a1 - a0)),$((b1 - b0)),$((c1 - c0))" "$((pause1 - pause0))" \
            "$(( $(rss_kb "$ISTORE_PID") / 1024 ))" "$(gc_field "$ISTORE_PORT" gc_latency_mode), server $(gc_field "$ISTORE_PORT" gc_server)"
        stop_pid "$ISTORE_PID" istore-node; ISTORE_PID=""
    done
done

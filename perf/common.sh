# Helpers shared by the perf scripts (sourced, not run): logging, stopping servers by PID, free
# ports, readiness checks, redis tools installed when missing, and the istore-node binary to test.
# The sourcing script sets HOST and REPO first, and WORK (or calls begin_run).

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

stop_pid() {
    local pid=$1 name=$2
    [[ -n "$pid" ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do           # up to 10 s for a clean shutdown (istore checkpoints on SIGTERM)
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    log "$name (pid $pid) did not stop in 10 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# The start of a run: a fresh WORK directory named after the script, cleanup however it ends, the
# tools, and the istore-node binary.
begin_run() {   # name
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/istore-$1.XXXXXX")
    ISTORE_PID=""
    REDIS_PID=""
    stop_servers_on_exit
    ensure_tools
    istore_binary
}

# Stops ISTORE_PID and REDIS_PID, kills the processes in PIDS (if the script keeps that array), and
# removes WORK unless KEEP_WORK=1, however the script ends.
stop_servers_on_exit() {
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

cleanup() {
    local rc=$?
    stop_pid "${ISTORE_PID:-}" istore-node
    stop_pid "${REDIS_PID:-}" redis-server
    for pid in ${PIDS[@]+"${PIDS[@]}"}; do kill -KILL "$pid" 2>/dev/null || true; done
    if [[ "${KEEP_WORK:-0}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}

# Several servers side by side (perf/evalsha-cpu.sh, perf/disk-cpu.sh): a fresh WORK, and every
# server start_named started (NAMES, PORTS, PIDS, BINARIES) stopped however the script ends.
begin_side_by_side() {   # name
    ensure_tools
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/istore-$1.XXXXXX")
    NAMES=() PORTS=() PIDS=() BINARIES=()
    trap stop_side_by_side EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

stop_side_by_side() {
    local rc=$? i
    for i in "${!PIDS[@]}"; do stop_pid "${PIDS[$i]}" "${NAMES[$i]}"; done
    if [[ "${KEEP_WORK:-0}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}

start_named() {   # name command...
    local name=$1 port; shift
    port=$(free_port)
    mkdir -p "$WORK/$name"
    "$@" --bind "$HOST" --port "$port" --dir "$WORK/$name" >"$WORK/$name.log" 2>&1 &
    NAMES+=("$name") PORTS+=("$port") PIDS+=($!) BINARIES+=("$1")
    wait_ready "$port" "$name" "$!"
}

# CPU time (utime + stime, all threads) a process has used, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# redis-server, redis-benchmark, redis-cli and python3, installed from Debian's packages if missing.
ensure_tools() {
    local need_apt=() sudo=""
    command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
    { command -v redis-benchmark >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; } || need_apt+=(redis-tools)
    command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
    if ((${#need_apt[@]})); then
        [[ $(id -u) -eq 0 ]] || sudo=sudo
        log "installing: redis-server redis-tools ${need_apt[*]}"
        timeout 600 $sudo apt-get update
        timeout 900 $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server redis-tools "${need_apt[@]}"
    fi
    command -v dotnet >/dev/null 2>&1 || [[ -n "${ISTORE_BIN:-}" ]] || { echo "dotnet SDK not found (or set ISTORE_BIN)" >&2; exit 1; }
}

# Sets ISTORE to $ISTORE_BIN, or publishes istore-node with Native AOT into $WORK/publish.
istore_binary() {
    if [[ -n "${ISTORE_BIN:-}" ]]; then
        ISTORE=$ISTORE_BIN
    else
        log "publishing istore-node (Native AOT) into $WORK/publish"
        timeout 1200 dotnet publish "$REPO/node/Istore.Node.csproj" -c Release -r linux-x64 -o "$WORK/publish" -nologo -v quiet >"$WORK/publish.log" 2>&1 \
            || { tail -40 "$WORK/publish.log" >&2; exit 1; }
        ISTORE=$WORK/publish/istore-node
    fi
    [[ -x "$ISTORE" ]] || { echo "no istore-node binary at $ISTORE" >&2; exit 1; }
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_ready() {   # port name pid [password]
    for _ in $(seq 1 300); do       # up to 30 s
        kill -0 "$3" 2>/dev/null || { echo "$2 exited during startup; log:" >&2; cat "$WORK/$2.log" >&2 || true; exit 1; }
        if [[ $(timeout 2 redis-cli -h "$HOST" -p "$1" ${4:+-a "$4" --no-auth-warning} PING 2>/dev/null || true) == PONG ]]; then return 0; fi
        sleep 0.1
    done
    echo "$2 did not answer PING on $HOST:$1 within 30 s" >&2
    exit 1
}

# Two redis-server backends without persistence on free ports, for a proxy to sit in front of: sets
# R1 and R2 and adds their PIDs to PIDS; data in DIR (default WORK), logs in WORK.
start_redis_backends() {   # [dir]
    R1=$(free_port); R2=$(free_port)
    for r in $R1 $R2; do
        redis-server --bind "$HOST" --port "$r" --save '' --appendonly no --dir "${1:-$WORK}" --logfile "$WORK/redis-$r.log" &
        PIDS+=($!)
        wait_ready "$r" "redis-$r" "$!"
    done
}

rcli() { timeout 60 redis-cli -h "$HOST" -p "$@"; }

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# SET commands for key:FROM..key:TO-1 with SIZE-byte values, as RESP on stdout (for redis-cli --pipe).
set_commands() {   # from to size
    python3 - "$@" <<'PY'
import sys
start, end, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
value = b"v" * size
tail = b"$%d\r\n%s\r\n" % (size, value)
out = sys.stdout.buffer
chunk = []
for i in range(start, end):
    key = b"key:%d" % i
    chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n" % (len(key), key) + tail)
    if len(chunk) == 10000:
        out.write(b"".join(chunk)); chunk.clear()
out.write(b"".join(chunk))
PY
}

# One redis-benchmark run of the TESTS (default set,get); prints "<TEST> <rps> <p99 ms>" per test
# ("LRANGE_100 (first 100 elements)" -> LRANGE_100; LRANGE's preparatory LPUSH is left out).
# Uses CLIENTS, DATA_SIZE and BENCH_TIMEOUT.
bench() {   # port pipeline requests keyspace
    timeout "$BENCH_TIMEOUT" redis-benchmark -h "$HOST" -p "$1" -c "$CLIENTS" -d "$DATA_SIZE" -r "$4" \
        -t "${TESTS:-set,get}" -P "$2" -n "$3" --csv -q 2>/dev/null \
        | tr -d '\r' | awk -F'","' 'NR > 1 && $1 !~ /needed to benchmark/ { t=$1; gsub(/"/, "", t); sub(/ .*/, "", t); r=$2; gsub(/"/, "", r); p=$7; gsub(/"/, "", p); print t, r, p }'
}

# ROUNDS interleaved rounds (istore, redis, istore, redis, ...) of bench at -P 1 (N_P1 requests)
# and -P 16 (N_P16), over KEYSPACE random keys, between ISTORE_PORT and REDIS_PORT; prints per
# test the median of the per-round ratios istore/redis, each server's median requests/s and p99.
throughput_rounds() {
    local raw=$WORK/throughput.txt P N round server port out test rps p99
    : >"$raw"
    for P in 1 16; do
        N=$N_P1; [[ $P == 16 ]] && N=$N_P16
        for round in $(seq 1 "$ROUNDS"); do
            for server in istore redis; do
                port=$ISTORE_PORT; [[ $server == redis ]] && port=$REDIS_PORT
                out=$(bench "$port" "$P" "$N" "$KEYSPACE") || true
                if [[ -z "$out" ]]; then
                    echo "redis-benchmark against $server at -P $P round $round gave no result (timeout ${BENCH_TIMEOUT}s?)" >&2
                    exit 1
                fi
                while read -r test rps p99; do
                    echo "$P $round $server $test $rps $p99" >>"$raw"
                    log "P=$P round $round/$ROUNDS $server $test $rps req/s, p99 $p99 ms"
                done <<<"$out"
            done
        done
    done
    python3 - "$raw" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
data = {}
for p, rnd, server, test, rps, p99 in rows:
    data.setdefault((int(p), test), {}).setdefault(int(rnd), {})[server] = (float(rps), float(p99))
print("Throughput (requests/s; ratio = istore/redis, median of the per-round ratios; p99 in ms, median over rounds)")
print(f"{'test':<10}{'median ratio':>14}{'istore median':>16}{'redis median':>15}{'istore p99':>12}{'redis p99':>11}   per-round ratios")
for (p, test) in sorted(data, key=lambda k: k[0]):
    rounds = data[(p, test)].values()
    ratios = [r["istore"][0] / r["redis"][0] for r in rounds]
    med = lambda server, i: statistics.median(r[server][i] for r in rounds)
    print(f"{test + ' -P ' + str(p):<10}{statistics.median(ratios):>13.2f}x{med('istore', 0):>16,.0f}{med('redis', 0):>15,.0f}"
          f"{med('istore', 1):>12.3f}{med('redis', 1):>11.3f}   " + " ".join(f"{x:.2f}" for x in ratios))
PY
}

# Two distinct free ports: ISTORE_PORT and REDIS_PORT.
pick_ports() {
    ISTORE_PORT=$(free_port)
    REDIS_PORT=$(free_port)
    while [[ "$REDIS_PORT" == "$ISTORE_PORT" ]]; do REDIS_PORT=$(free_port); done
}

# Starts both servers on fresh data directories under $WORK/<label>: istore-node with ISTORE_ARGS,
# redis-server with snapshots off and REDIS_ARGS (its persistence: AOF or none).
start_servers() {   # label
    mkdir -p "$WORK/$1/istore-data" "$WORK/$1/redis-data"
    # shellcheck disable=SC2086  # ISTORE_ARGS and REDIS_ARGS are word lists on purpose
    "$ISTORE" --bind "$HOST" --port "$ISTORE_PORT" --dir "$WORK/$1/istore-data" $ISTORE_ARGS >"$WORK/istore-node.log" 2>&1 &
    ISTORE_PID=$!
    # shellcheck disable=SC2086
    redis-server --bind "$HOST" --port "$REDIS_PORT" --save '' $REDIS_ARGS --daemonize no \
        --dir "$WORK/$1/redis-data" --logfile "$WORK/redis-server.log" >/dev/null 2>&1 &
    REDIS_PID=$!
    wait_ready "$ISTORE_PORT" istore-node "$ISTORE_PID"
    wait_ready "$REDIS_PORT" redis-server "$REDIS_PID"
}

stop_servers() {
    stop_pid "$ISTORE_PID" istore-node; ISTORE_PID=""
    stop_pid "$REDIS_PID" redis-server; REDIS_PID=""
}

# What was measured against what: the machine, both servers with their arguments, the benchmark.
print_setup() {   # title
    echo "== $1 $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
    echo "machine: $(nproc) cpu(s), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "istore-node: $ISTORE (pid $ISTORE_PID, $HOST:$ISTORE_PORT, $(rcli "$ISTORE_PORT" INFO server | tr -d '\r' | awk -F: '/^redis_version:/ {print "version " $2}'))${ISTORE_ARGS:+ args: $ISTORE_ARGS}"
    echo "redis-server: $(redis-server --version | awk '{print $3}') (pid $REDIS_PID, $HOST:$REDIS_PORT, --save '' $REDIS_ARGS)"
    echo "redis-benchmark -c $CLIENTS -d $DATA_SIZE -r $KEYSPACE -t ${TESTS:-set,get} --csv -q; -n $N_P1 at -P 1, -n $N_P16 at -P 16; $ROUNDS interleaved rounds"
    echo
}

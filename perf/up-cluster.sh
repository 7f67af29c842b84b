# Sourced by the dashboard perf scripts (sets REPO first): the AOT binaries built, `istore-ha up`
# started in a fresh WORK directory on BASE (BASE_PORT or the given default), and everything in
# PIDS stopped (and WORK removed) however the script ends. Sets WORK, BASE, HA (its PID) and token.
start_up_cluster() {   # name default-base-port
    cd "$REPO"
    bash scripts/setup-deps.sh --with-peers
    bash scripts/publish.sh
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/istore-$1.XXXXXX")
    PIDS=()
    trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
    BASE=${BASE_PORT:-$2}
    publish/ha/istore-ha up --dir "$WORK/data" --base-port "$BASE" >"$WORK/up.log" 2>&1 &
    HA=$!; PIDS+=("$HA")
    until grep -qs "istore cluster is up" "$WORK/up.log"; do sleep 0.2; kill -0 "$HA" || { cat "$WORK/up.log"; exit 1; }; done
    token=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['adminToken'])" "$WORK/data/cluster.json")
}

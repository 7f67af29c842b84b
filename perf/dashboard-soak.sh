#!/usr/bin/env bash
# The dashboard's memory target: `istore-ha up` under a light write load, Debian's chromium
# (headless) showing the dashboard (1 s refresh) for MINUTES (30); every minute the RSS of
# istore-ha and of all chromium processes is sampled. Prints the samples and the growth from the
# second minute (after warm-up) to the end.
#
#   MINUTES=30 perf/dashboard-soak.sh
set -euo pipefail
MINUTES=${MINUTES:-30}
[ "$MINUTES" -ge 3 ] || { echo "MINUTES must be at least 3 (growth is measured from minute 2)"; exit 2; }
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$REPO/perf/up-cluster.sh"
start_up_cluster dashboard-soak 27000
password=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['tenants'][0]['password'])" "$WORK/data/cluster.json")
# A light load: a few hundred SETs a second through the proxy, so charts move.
(while kill -0 "$HA" 2>/dev/null; do redis-benchmark -p "$BASE" -a "$password" --user demo -t set -n 500 -c 2 -q >/dev/null 2>&1 || true; sleep 1; done) &
PIDS+=($!)
chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$WORK/chromium" --remote-debugging-port=0 \
    "http://127.0.0.1:$((BASE + 180))/#token=$token" >"$WORK/chromium.log" 2>&1 &
PIDS+=($!)
rss() { ps -o rss= -p "$1" 2>/dev/null | awk '{s+=$1} END {print s+0}'; }
# 0 while chromium has not started yet (pgrep finding nothing must not end the script).
chromium_rss() { { pgrep -f "user-data-dir=$WORK/chromium" || true; } | xargs -r ps -o rss= -p | awk '{s+=$1} END {print s+0}'; }
# HA's own view of its memory (INFO on its RESP port): the managed heap apart from the rest.
ha_info() { redis-cli -p $((BASE + 100)) -a "$token" --no-auth-warning INFO | tr -d '\r' | awk -F: -v f="$1" '$1 == f {print int($2 / 1024)}'; }
# Every fifth minute also HA's live memory: its heap and RSS right after MEMORY PURGE (a full compacting GC).
ha_purged() { redis-cli -p $((BASE + 100)) -a "$token" --no-auth-warning MEMORY PURGE >/dev/null; sleep 1; printf '%s\t%s' "$(ha_info gc_heap_size_bytes)" "$(rss "$HA")"; }
printf 'minute\tistore-ha KiB\tchromium KiB\tGC heap KiB\tGC committed KiB\tpurged heap KiB\tpurged RSS KiB\n'
first_ha=0; first_chromium=0
for minute in $(seq 0 "$MINUTES"); do
    ha=$(rss "$HA"); chrome=$(chromium_rss)
    purged="-\t-"
    [ $((minute % 5)) -eq 0 ] && [ "$minute" -gt 0 ] && purged=$(ha_purged)
    printf '%s\t%s\t%s\t%s\t%s\t%b\n' "$minute" "$ha" "$chrome" "$(ha_info gc_heap_size_bytes)" "$(ha_info gc_committed_bytes)" "$purged"
    if [ "$minute" -eq 2 ]; then first_ha=$ha; first_chromium=$chrome; fi
    [ "$minute" -lt "$MINUTES" ] && sleep 60
done
python3 -c "import sys; a,b,c,d=map(float,sys.argv[1:]); print(f'growth from minute 2 to the end: istore-ha {100*(b-a)/a:+.1f}%, chromium {100*(d-c)/c:+.1f}%')" \
    "$first_ha" "$ha" "$first_chromium" "$chrome"

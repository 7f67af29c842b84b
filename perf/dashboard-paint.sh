#!/usr/bin/env bash
# The dashboard's first paint on loopback: `istore-ha up` (AOT), Debian's chromium headless driven
# through chromedriver's WebDriver HTTP API; ROUNDS fresh page loads, each reporting the browser's
# first-contentful-paint and the time until the machine view's table lists the nodes.
#
#   ROUNDS=10 perf/dashboard-paint.sh
set -euo pipefail
ROUNDS=${ROUNDS:-10}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
bash scripts/setup-deps.sh --with-peers
bash scripts/publish.sh
WORK=$(mktemp -d "${TMPDIR:-/tmp}/istore-dashboard-paint.XXXXXX")
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
BASE=${BASE_PORT:-28000}
publish/ha/istore-ha up --dir "$WORK/data" --base-port "$BASE" >"$WORK/up.log" 2>&1 &
PIDS+=($!)
until grep -q "istore cluster is up" "$WORK/up.log"; do sleep 0.2; done
token=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['adminToken'])" "$WORK/data/cluster.json")
DRIVER_PORT=$((BASE + 50))
chromedriver --port="$DRIVER_PORT" >"$WORK/driver.log" 2>&1 &
PIDS+=($!)
sleep 1
wd() { curl -s -X "$1" "http://127.0.0.1:$DRIVER_PORT$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
printf 'round\tfirst paint ms\tnodes listed ms\n'
for round in $(seq 1 "$ROUNDS"); do
    session=$(wd POST /session "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\",\"goog:chromeOptions\":{\"binary\":\"/usr/bin/chromium\",\"args\":[\"--headless=new\",\"--no-sandbox\",\"--disable-gpu\",\"--user-data-dir=$WORK/profile-$round\"]}}}}" \
        | python3 -c "import json,sys;print(json.load(sys.stdin)['value']['sessionId'])")
    wd POST "/session/$session/url" "{\"url\":\"http://127.0.0.1:$((BASE + 180))/#token=$token\"}" >/dev/null
    # Wait in the page until the nodes table has rows, then read the paint timing and that moment.
    result=$(wd POST "/session/$session/execute/async" '{"script":"const done = arguments[0]; const t = () => { if (document.querySelectorAll(\"table tbody tr\").length > 0) { const p = performance.getEntriesByName(\"first-contentful-paint\")[0]; done([p ? p.startTime : -1, performance.now()]); } else setTimeout(t, 10); }; t();","args":[]}' \
        | python3 -c "import json,sys;v=json.load(sys.stdin)['value'];print(f'{v[0]:.0f}\t{v[1]:.0f}')")
    printf '%s\t%s\n' "$round" "$result"
    wd DELETE "/session/$session" >/dev/null
done

#!/usr/bin/env bash
# The dashboard's first paint on loopback: `istore-ha up` (AOT), Debian's chromium headless driven
# through chromedriver's WebDriver HTTP API; ROUNDS fresh page loads, each reporting the browser's
# first-contentful-paint and the time until the machine view's table lists the nodes.
#
#   ROUNDS=10 perf/dashboard-paint.sh
set -euo pipefail
ROUNDS=${ROUNDS:-10}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$REPO/perf/up-cluster.sh"
start_up_cluster dashboard-paint 28000
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

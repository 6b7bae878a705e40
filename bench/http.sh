#!/usr/bin/env bash
# Load test over loopback with wrk (Debian package): /api/controller
# against /healthz in the same run, 64 connections. The issue's goal is
# controller >= 70% of healthz's requests per second.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
	apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
DURATION=${DURATION:-10s}
ADDR=127.0.0.1:${PORT:-18181}
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT

./bin/frontline serve --addr "$ADDR" --db "$tmp/bench.db" --log-level warn &
pid=$!
for _ in $(seq 100); do
	curl -fs "http://$ADDR/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done

# Points across Syria at instants across the timeline, one per request.
cat >"$tmp/points.lua" <<'LUA'
local pts = {
  "lon=37.1613&lat=36.2021", "lon=36.7578&lat=35.1318", "lon=36.7167&lat=34.7268",
  "lon=36.2913&lat=33.5102", "lon=36.1021&lat=32.6189", "lon=39.0069&lat=35.9528",
  "lon=36.6339&lat=35.9306", "lon=40.1408&lat=35.3359", "lon=35.7796&lat=35.5317",
}
local days = { "2024-11-26", "2024-11-30T12:00:00Z", "2024-12-05", "2024-12-08T06:00:00Z", "2024-12-11" }
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/controller?" .. pts[i % #pts + 1] .. "&at=" .. days[i % #days + 1])
end
LUA

rps() { awk '/Requests\/sec/ {print $2}'; }
wrk -t2 -c64 -d2s "http://$ADDR/healthz" >/dev/null # warm up
healthz=$(wrk -t2 -c64 -d"$DURATION" "http://$ADDR/healthz" | tee "$tmp/h.txt" | rps)
controller=$(wrk -t2 -c64 -d"$DURATION" -s "$tmp/points.lua" "http://$ADDR" | tee "$tmp/c.txt" | rps)
echo "== /healthz";        cat "$tmp/h.txt"
echo "== /api/controller"; cat "$tmp/c.txt"
awk -v h="$healthz" -v c="$controller" 'BEGIN {
	printf "healthz %.0f req/s, controller %.0f req/s: controller at %.0f%% of healthz (goal >= 70%%)\n", h, c, 100*c/h }'

#!/usr/bin/env bash
# A light client under a flood of heavy ones, over loopback, the service in
# its own process as in production: 256 wrk connections ask for distinct
# uncached heavy answers (whole control collections under boxes that all
# hold Syria, and cold z14 tiles) while one connection asks point queries
# back to back. Reports the light client's latency percentiles, the heavy
# answers by status, and the service's RSS (sampled every second) before,
# at its highest and after. Two rounds: the defaults (one address: the
# per-client limit answers most of the flood 429), and --builds-per-minute 0
# (as if the flood came from many addresses: only the work limits hold it).
#
#   DURATION=30s   length of each flood
#   PORT=18192     loopback port of the service
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
	SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
	$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
DURATION=${DURATION:-30s}
ADDR=127.0.0.1:${PORT:-18192}
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && { kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; }; rm -rf "$tmp"' EXIT

cat >"$tmp/heavy.lua" <<'LUA'
-- Each connection walks its own series of distinct heavy requests.
counts = {}
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end
local i = 0
function init() i = id * 1000000 end
function request()
  i = i + 1
  if i % 2 == 0 then
    return wrk.format("GET", string.format("/ogc/collections/control/items?limit=10000&bbox=30,30,45,%.6f", 40 + i / 1e7),
      { ["Accept-Encoding"] = "gzip" })
  end
  local n = math.floor(i / 2) % 4096
  return wrk.format("GET", string.format("/tiles/14/%d/%d.mvt", 9900 + n % 64, 6400 + math.floor(n / 64)), { ["Accept-Encoding"] = "gzip" })
end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done()
  local all = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do all[k] = (all[k] or 0) + v end
  end
  for k, v in pairs(all) do io.write(string.format("  heavy: %6d answers %d\n", v, k)) end
end
LUA

rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status"; }
round() {
	local name=$1; shift
	rm -f "$tmp"/f.db*
	./bin/frontline serve --addr "$ADDR" --db "$tmp/f.db" --log-level warn "$@" &
	pid=$!
	for _ in $(seq 300); do
		curl -fs "http://$ADDR/healthz" >/dev/null 2>&1 && break
		sleep 0.1
	done
	local before; before=$(rss)
	(while kill -0 $pid 2>/dev/null; do rss; echo; sleep 1; done) >"$tmp/rss.txt" &
	local sampler=$!
	wrk -t1 -c256 -d"$DURATION" --timeout 10s -s "$tmp/heavy.lua" "http://$ADDR" >"$tmp/heavy.txt" &
	local flood=$!
	sleep 2 # the flood under way
	wrk -t1 -c1 -d"$(( ${DURATION%s} - 4 ))s" --latency \
		"http://$ADDR/api/controller?lon=37.1613&lat=36.2021&at=2024-12-01T00:00:00Z" >"$tmp/light.txt"
	wait $flood
	sleep 5
	kill $sampler 2>/dev/null || true
	echo "== $name: light client (1 connection, point queries back to back) under 256 heavy connections"
	grep -A4 'Latency Distribution' "$tmp/light.txt" | sed 's/^/  /'
	grep -e 'Requests/sec' -e 'Non-2xx' -e 'Socket errors' "$tmp/light.txt" | sed 's/^/  light: /'
	grep -e 'heavy:' -e 'Socket errors' -e 'requests in' "$tmp/heavy.txt" | sed 's/^ *//; s/^/  /'
	echo "  RSS: before $before MB, highest $(sort -n "$tmp/rss.txt" | tail -1) MB, 5 s after the flood $(rss) MB"
	kill $pid; wait $pid 2>/dev/null || true
	pid=
}
make -s build >/dev/null
round "defaults"
round "no per-client limit" --builds-per-minute 0

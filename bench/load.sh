#!/usr/bin/env bash
# A realistic mix over loopback with wrk (Debian package), bounded in time:
# the page's assets, tiles z5-10 at random keyframes, points inside Syria at
# random instants, OGC items pages and geocoding, from 64 connections. It
# reports throughput, latency percentiles, the answers that were not 2xx or
# 304, and the service's RSS before, during and after; then /healthz and
# /api/controller alone in the same run, the transport's limit beside the
# point query. The service runs with --builds-per-minute 0: wrk is one
# address standing for many users.
#
#   DURATION=60s   length of the mixed run
#   CONNS=64       wrk connections
#   PORT=18191     loopback port of the service
#
# A measurement, not a test: it exits non-zero only when a step fails or a
# request errs (wrk's socket errors or non-2xx/3xx answers).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
	SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
	$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
DURATION=${DURATION:-60s}
CONNS=${CONNS:-64}
ADDR=127.0.0.1:${PORT:-18191}
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && { kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; }; rm -rf "$tmp"' EXIT

./bin/frontline serve --addr "$ADDR" --db "$tmp/load.db" --log-level warn --builds-per-minute 0 &
pid=$!
for _ in $(seq 300); do
	curl -fs "http://$ADDR/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
rss() { awk '/VmRSS/ {printf "%.0f MB", $2/1024}' "/proc/$pid/status"; }

# The keyframes' instants, from TileJSON, for the Lua script to pick from.
curl -fs "http://$ADDR/tiles.json" | grep -o '"keyframes":\[[^]]*\]' |
	grep -o '[0-9T:Z-]\{20\}' >"$tmp/keyframes.txt"
echo "== $(wc -l <"$tmp/keyframes.txt") keyframes; RSS at start $(rss)"

cat >"$tmp/mix.lua" <<'LUA'
-- Each thread draws its own sequence of requests from a fixed seed.
local keyframes = {}
for line in io.lines(os.getenv("KEYFRAMES")) do keyframes[#keyframes + 1] = line end
local assets = { "/", "/app.css", "/js/main.js", "/js/map.js", "/vendor/leaflet/leaflet.js", "/tiles.json" }
-- URL-encoded: a space would make the request line malformed.
local names = { "Aleppo", "Hamah", "Homs", "Damascus", "Daraa", "Saidnaya", "Al%20Qaim", "Idlib", "Raqqa" }
counts = {}
-- Points inside Syria, away from its borders and coast, jittered by up to 0.05 degree.
local cities = { {37.16, 36.20}, {36.76, 35.13}, {36.72, 34.73}, {36.29, 33.51}, {36.20, 32.75}, {39.01, 35.95},
  {36.63, 35.93}, {40.14, 35.34}, {38.27, 34.56}, {40.75, 36.50} }
local function tile(z)
  -- Syria spans about lon 35.7-42.4, lat 32.3-37.3.
  local lon = 35.7 + math.random() * 6.7
  local lat = 32.3 + math.random() * 5.0
  local n = 2 ^ z
  local x = math.floor((lon + 180) / 360 * n)
  local r = math.rad(lat)
  local y = math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
  return string.format("/tiles/%d/%d/%d.mvt?datetime=%s", z, x, y, keyframes[math.random(#keyframes)])
end
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end
function init() math.randomseed(id) end
-- Answers by status: wrk cannot tell which request an answer is for, so
-- routes are not named (the service's debug log names them).
function response(status, headers, body)
  if status >= 400 then
    counts[status] = (counts[status] or 0) + 1
  end
end
function done()
  local all = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do all[k] = (all[k] or 0) + v end
  end
  for k, v in pairs(all) do io.write(string.format("  %6d answers %d\n", v, k)) end
end
function request()
  local p = math.random()
  local path
  if p < 0.45 then
    path = tile(math.random(5, 10))
  elseif p < 0.75 then
    local c = cities[math.random(#cities)]
    path = string.format("/api/controller?lon=%.4f&lat=%.4f&at=%s", c[1] + (math.random() - 0.5) * 0.1,
      c[2] + (math.random() - 0.5) * 0.1, keyframes[math.random(#keyframes)])
  elseif p < 0.85 then
    path = assets[math.random(#assets)]
  elseif p < 0.93 then
    path = "/ogc/collections/control/items?datetime=" .. keyframes[math.random(#keyframes)]
  else
    path = "/api/geocode?q=" .. names[math.random(#names)]
  end
  return wrk.format("GET", path, { ["Accept-Encoding"] = "gzip" })
end
LUA

# RSS sampled every 5 s during the run, then the figures.
(while kill -0 $pid 2>/dev/null; do rss; echo; sleep 5; done) >"$tmp/rss.txt" &
sampler=$!
KEYFRAMES="$tmp/keyframes.txt" wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$tmp/mix.lua" "http://$ADDR" | tee "$tmp/mix.txt"
kill $sampler 2>/dev/null || true
echo "== RSS during the run, every 5 s (MB): $(grep -o '^[0-9]*' "$tmp/rss.txt" | tr '\n' ' ')"
echo "== RSS after: $(rss)"

rps() { awk '/Requests\/sec/ {print $2}'; }
# Both sides build each request in Lua, so that the client's own cost per
# request, on the same two cores, is the same for both; three alternating
# rounds, and the median ratio, as the machine's noise is of that size.
cat >"$tmp/healthz.lua" <<'LUA'
function request() return wrk.format("GET", "/healthz") end
LUA
cat >"$tmp/points.lua" <<'LUA'
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", string.format("/api/controller?lon=%.3f&lat=%.3f&at=2024-12-0%dT12:00:00Z",
    36 + (i * 7 % 45) / 10, 33 + (i * 3 % 35) / 10, i % 9 + 1))
end
LUA
ratios=()
for round in 1 2 3; do
	healthz=$(wrk -t2 -c"$CONNS" -d8s -s "$tmp/healthz.lua" "http://$ADDR" | rps)
	controller=$(wrk -t2 -c"$CONNS" -d8s -s "$tmp/points.lua" "http://$ADDR" | rps)
	ratio=$(awk -v h="$healthz" -v c="$controller" 'BEGIN { printf "%.2f", c/h }')
	ratios+=("$ratio")
	echo "== alone, round $round: /healthz $healthz req/s, /api/controller $controller req/s: ${ratio}x"
done
echo "== point queries over HTTP: median $(printf '%s\n' "${ratios[@]}" | sort -n | sed -n 2p)x of /healthz"

if grep -q -e 'Non-2xx or 3xx' -e 'Socket errors' "$tmp/mix.txt"; then
	echo "== errors in the mixed run (above)" >&2
	exit 1
fi
echo "== no errors"

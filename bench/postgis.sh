#!/usr/bin/env bash
# frontline against PostGIS, side by side, in one run: the same polygons
# (every keyframe's territories) loaded into a throwaway PostgreSQL cluster
# on loopback and served by ST_AsMVT / ST_AsGeoJSON / ST_Contains, against
# frontline's own tiles, OGC API items and point queries
# (cmd/frontline/postgis_bench_test.go, build tag postgis); then wrk on a
# cached z7 tile of a running `frontline serve`. The issue's goals: a cold
# z7 tile at least 5x faster than PostGIS's, a cached tile at least
# 20,000 req/s over HTTP.
#
# Installs what is missing from Debian (postgresql, the matching postgis
# package, wrk). BENCHTIME (default 2s) is the Go benchmarks' -benchtime,
# DURATION (default 10s) wrk's; BENCH (default .) selects the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCHTIME=${BENCHTIME:-2s}
DURATION=${DURATION:-10s}
BENCH=${BENCH:-.}
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
export DEBIAN_FRONTEND=noninteractive

updated=
install() {
	if [ -z "$updated" ]; then
		$SUDO apt-get update -qq
		updated=1
	fi
	$SUDO apt-get install -y -qq "$@" >/dev/null
}

# The newest PostgreSQL server installed, and PostGIS built for it.
pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
command -v wrk >/dev/null || install wrk
[ -n "$(pgbin)" ] || install postgresql
PGBIN=$(pgbin)
PGVER=$(basename "$(dirname "$PGBIN")")
[ -e "/usr/share/postgresql/$PGVER/extension/postgis.control" ] || install "postgresql-$PGVER-postgis-3"

# A free loopback port, from $1 up.
free_port() {
	local p=$1
	while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do
		p=$((p + 1))
	done
	echo "$p"
}

tmp=$(mktemp -d)
pid=
pg_started=
# The cluster belongs to postgres when run as root (initdb refuses root).
aspg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [ -n "$pg_started" ]; then
		aspg "$PGBIN/pg_ctl" -D "$tmp/pg" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown postgres: "$tmp"

PGPORT=$(free_port "${PGPORT:-55432}")
aspg "$PGBIN/initdb" -D "$tmp/pg" -U postgres -A trust -E UTF8 --locale C.UTF-8 --no-sync >/dev/null
cat >"$tmp/pg/pg_hba.conf" <<'HBA'
local all all              trust
host  all all 127.0.0.1/32 trust
HBA
echo "== PostgreSQL $PGVER on 127.0.0.1:$PGPORT"
aspg "$PGBIN/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/server.log" -w \
	-o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $tmp" start >/dev/null
pg_started=1
psql() { aspg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$PGPORT" -U postgres "$@"; }
psql -d postgres -c 'CREATE DATABASE bench'
psql -d bench -c 'CREATE EXTENSION postgis'
psql -d bench -At -c 'SELECT version(); SELECT postgis_full_version()' | cut -c1-160

# The Go benchmarks: both sides over the same keyframe, tiles and points.
echo "== go test -tags postgis -bench $BENCH -benchtime $BENCHTIME ./cmd/frontline"
FRONTLINE_PG="postgres://postgres@127.0.0.1:$PGPORT/bench?sslmode=disable" \
	go test -tags postgis -run '^$' -bench "$BENCH" -benchtime "$BENCHTIME" ./cmd/frontline | tee "$tmp/go.txt"
aspg "$PGBIN/pg_ctl" -D "$tmp/pg" -m fast -w stop >/dev/null
pg_started=

# A cached z7 tile over HTTP: the first request renders it, wrk reads the
# cache (no Accept-Encoding: the plain tile).
make -s build
ADDR=127.0.0.1:$(free_port "${PORT:-18182}")
mkdir "$tmp/fl"
./bin/frontline serve --addr "$ADDR" --db "$tmp/fl/bench.db" --log-level warn &
pid=$!
for _ in $(seq 600); do
	curl -fs "http://$ADDR/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
TILE="http://$ADDR/tiles/7/76/50.mvt?datetime=2024-12-05T00:00:00Z"
curl -fs -o "$tmp/tile.mvt" "$TILE"
echo "== wrk -t2 -c64 -d$DURATION $TILE ($(wc -c <"$tmp/tile.mvt") bytes)"
wrk -t2 -c64 -d2s "$TILE" >/dev/null # warm up
wrk -t2 -c64 -d"$DURATION" "$TILE" | tee "$tmp/wrk.txt"
rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.txt")

# The ratios: PostGIS's time per operation over frontline's, so 5.0 means
# frontline is five times faster.
echo
echo "== frontline against PostGIS ($(nproc) cores, benchtime $BENCHTIME)"
awk -v rps="$rps" '
	$1 ~ /^Benchmark(ColdTileZ7|Items|Point)\// {
		name = $1; sub(/-[0-9]+$/, "", name)
		for (i = 3; i <= NF; i++) if ($(i) == "ns/op") ns[name] = $(i-1)
	}
	function us(v) { return v == "" ? "-" : sprintf("%.1f", v / 1000) }
	function row(label, fl, pg, goal,   a, b, r, verdict) {
		a = ns["Benchmark" fl]; b = ns["Benchmark" pg]
		r = (a > 0 && b > 0) ? b / a : 0
		verdict = ""
		if (goal > 0 && r > 0) verdict = (r >= goal ? "meets" : "MISSES") sprintf(" the goal (>= %gx)", goal)
		printf "%-28s %14s %14s %10s  %s\n", label, us(a), us(b), (r > 0 ? sprintf("%.1fx", r) : "-"), verdict
		if (r > 0) pairs++
	}
	END {
		printf "%-28s %14s %14s %10s\n", "", "frontline us", "PostGIS us", "PostGIS/fl"
		row("cold z7 tile", "ColdTileZ7/frontline", "ColdTileZ7/postgis", 5)
		row("items (GeoJSON, 1 keyframe)", "Items/frontline", "Items/postgis", 0)
		row("point (in process)", "Point/frontline", "Point/postgis", 0)
		row("point (HTTP /api/controller)", "Point/frontline-http", "Point/postgis", 0)
		printf "%-28s %14.0f req/s (64 connections, wrk) %s the goal (>= 20000/s)\n", "cached z7 tile, HTTP", rps,
			(rps >= 20000 ? "meets" : "MISSES")
		if (!pairs) { print "no pair of benchmarks ran: is FRONTLINE_PG set?" > "/dev/stderr"; exit 1 }
	}' "$tmp/go.txt"

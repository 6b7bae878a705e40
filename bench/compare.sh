#!/usr/bin/env bash
# Side-by-side benchmark of a base revision against the working tree, in
# one run:
#
#   (a) the in-process point query (BenchmarkControl, BenchmarkFaction)
#       and the whole territory rebuild (BenchmarkRebuild),
#   (b) the cold z7 tile (BenchmarkTileColdZ7),
#   (c) /api/controller over HTTP with wrk, and /healthz as the limit of
#       the transport, on loopback only.
#
# Usage: bash bench/compare.sh       (or make bench-compare)
#
#   BASE=996e60b    revision to compare against (checked out in a temporary
#                   git worktree, removed on exit)
#   AFTER_DIR=DIR   tree for the "after" side (default: this working tree,
#                   uncommitted changes included)
#   COUNT=5         runs of each Go benchmark per side
#   ROUNDS=3        wrk runs of each URL per side
#   DURATION=5s     length of one wrk run
#   BASE_PORT=18281 AFTER_PORT=18282   loopback ports of the two servers
#
# The machine has 2 noisy cores, so nothing is measured for one side in a
# block and then for the other: every round runs base and after back to
# back, and the order flips each round (base first, then after first) so
# neither side always gets the warmer or the quieter slot. Medians, not
# means, so one disturbed run does not move the figure.
#
# It is a measurement, not a test: it exits 0 whatever the figures are,
# and non-zero only when a step fails (a build, a benchmark, a server).
set -euo pipefail

export CGO_ENABLED=1

BASE=${BASE:-996e60b}
COUNT=${COUNT:-5}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
BASE_PORT=${BASE_PORT:-18281}
AFTER_PORT=${AFTER_PORT:-18282}

repo=$(cd "$(dirname "$0")/.." && pwd)
after_dir=${AFTER_DIR:-$repo}

die() { echo "compare.sh: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }

[[ $COUNT =~ ^[1-9][0-9]?$ ]] || die "COUNT must be 1..99, not '$COUNT'"
[[ $ROUNDS =~ ^[1-9][0-9]?$ ]] || die "ROUNDS must be 1..99, not '$ROUNDS'"
# wrk's own syntax, limited to seconds and minutes so a time limit can be
# put around each run.
if [[ $DURATION =~ ^([1-9][0-9]*)(s?)$ ]]; then
	duration_s=${BASH_REMATCH[1]}
elif [[ $DURATION =~ ^([1-9][0-9]*)m$ ]]; then
	duration_s=$((BASH_REMATCH[1] * 60))
else
	die "DURATION must look like 5s or 1m, not '$DURATION'"
fi
((duration_s <= 600)) || die "DURATION is capped at 10m"
[[ $BASE_PORT != "$AFTER_PORT" ]] || die "BASE_PORT and AFTER_PORT must differ"
[[ -f $after_dir/go.mod ]] || die "AFTER_DIR $after_dir has no go.mod"
after_dir=$(cd "$after_dir" && pwd)
base_rev=$(git -C "$repo" rev-parse --verify --quiet "$BASE^{commit}") ||
	die "BASE $BASE is not a revision of $repo"

for tool in curl go make npm; do
	command -v "$tool" >/dev/null || die "$tool is needed"
done
if ! command -v wrk >/dev/null; then
	say "installing wrk"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
# benchstat is optional: the summary's medians come from awk below; when
# benchstat is there its table (with confidence intervals) is printed too.
benchstat=$(command -v benchstat || true)
if [[ -z $benchstat && -x $(go env GOPATH)/bin/benchstat ]]; then
	benchstat=$(go env GOPATH)/bin/benchstat
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/frontline-compare.XXXXXX")
worktree=
server_pids=()
cleanup() {
	local rc=$?
	local pid
	for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${server_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	# The worktree lives inside $tmp: remove it through git first so that
	# the repository keeps no stale entry.
	if [[ -n $worktree ]]; then
		git -C "$repo" worktree remove --force "$worktree" 2>/dev/null ||
			git -C "$repo" worktree prune || true
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/base" "$tmp/after" "$tmp/results"
declare -A dir=([after]=$after_dir)
after_desc=$(git -C "$after_dir" describe --always --dirty 2>/dev/null || echo "not a git tree")
say "base  $BASE ($base_rev)"
say "after $after_dir ($after_desc)"

# Builds one side: the page's assets (go:embed needs them), the server,
# and the two test binaries. The test binaries are built once so that the
# alternating runs below measure the code, not the compiler. -trimpath on
# both sides keeps the build cache valid for a worktree at a new temporary
# path each run.
build() {
	local side=$1 d=${dir[$1]} out=$tmp/$1 log=$tmp/$1/build.log
	say "building $side in $d"
	if ! {
		make -C "$d" --no-print-directory assets &&
			(cd "$d" && go build -trimpath -o "$out/frontline" ./cmd/frontline) &&
			(cd "$d" && go test -trimpath -c -o "$out/territory.test" ./internal/territory) &&
			(cd "$d" && go test -trimpath -c -o "$out/frontline.test" ./cmd/frontline)
	} >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		if [[ $side == after ]]; then
			die "the AFTER side ($d) does not build (see above). It may be mid-refactor; point AFTER_DIR at a tree that builds."
		fi
		die "the BASE side ($BASE) does not build (see above)"
	fi
}

# The after side first: it is the one that may be mid-refactor, and a
# failure there should come before the base worktree's npm install.
build after
worktree=$tmp/base/tree
say "git worktree of $BASE in $worktree"
git -C "$repo" worktree add --quiet --detach "$worktree" "$base_rev" >&2
dir[base]=$worktree
build base

# ---- Go benchmarks ---------------------------------------------------

# Other work on this machine (a test run, a build) skews both sides and
# widens the spread; the load average before and after is printed with
# the results so that such a run can be told apart.
load() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"; }
load_before=$(load)
if awk -v l="$load_before" 'BEGIN { exit !(l > 1) }'; then
	echo "warning: load average is $load_before before measuring; figures will be noisy" >&2
fi

# order ROUND prints the two sides in that round's order.
order() { if (($1 % 2)); then echo base after; else echo after base; fi; }

# gobench SIDE PKG TESTBIN NAME... runs the benchmarks NAME of one test
# binary once and adds its output to SIDE's results. It runs in the
# package's directory, as go test does. A benchmark that is missing (the
# refactor renamed or moved it) is an error, not an empty figure.
gobench() {
	local side=$1 pkg=$2 bin=$tmp/$1/$3 out=$tmp/$1/bench.txt name
	shift 3
	local re
	re=$(printf '^%s$|' "$@")
	if ! (cd "${dir[$side]}/$pkg" &&
		timeout 600 "$bin" -test.run '^$' -test.bench "${re%|}" -test.benchmem \
			-test.count 1 -test.timeout 9m) >"$out" 2>&1; then
		tail -n 30 "$out" >&2
		die "$side: benchmarks $* in $pkg failed"
	fi
	for name in "$@"; do
		grep -Eq "^$name(-[0-9]+)?[[:space:]]" "$out" ||
			die "$side: no $name in $pkg (renamed or moved?)"
	done
	cat "$out" >>"$tmp/results/$side"
}

for ((r = 1; r <= COUNT; r++)); do
	say "Go benchmarks, round $r/$COUNT: $(order "$r")"
	for side in $(order "$r"); do
		gobench "$side" internal/territory territory.test BenchmarkControl BenchmarkFaction BenchmarkRebuild
		gobench "$side" cmd/frontline frontline.test BenchmarkTileColdZ7
	done
done

# samples SIDE NAME UNIT prints the values of UNIT (ns/op, allocs/op) of
# benchmark NAME (without its -GOMAXPROCS suffix), one a line.
samples() {
	awk -v name="$2" -v unit="$3" '
		$1 ~ "^" name "(-[0-9]+)?$" { for (i = 3; i <= NF; i++) if ($i == unit) print $(i - 1) }
	' "$tmp/results/$1"
}

# median reads numbers, one a line, and prints their median; it fails on
# no input, so a missing figure stops the script instead of printing 0.
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A med
for b in Control Faction Rebuild TileColdZ7; do
	for unit in ns/op allocs/op; do
		for side in base after; do
			med[$side.$b.$unit]=$(samples "$side" "Benchmark$b" "$unit" | median) ||
				die "$side: no $unit for Benchmark$b"
		done
	done
done

# ---- HTTP with wrk ---------------------------------------------------

# The same rotating points and instants as bench/http.sh, taken from it
# so that the two scripts cannot drift apart.
sed -n "/<<'LUA'\$/,/^LUA\$/p" "$repo/bench/http.sh" | sed '1d;$d' >"$tmp/points.lua"
grep -q '^request = function' "$tmp/points.lua" ||
	die "could not read the Lua script out of bench/http.sh"
probe=$(awk -F'"' '/lon=/ { print $2; exit }' "$tmp/points.lua")

declare -A port=([base]=$BASE_PORT [after]=$AFTER_PORT) pid
url() { echo "http://127.0.0.1:${port[$1]}$2"; }
# Loopback only, whatever proxy the environment names.
get() { curl --noproxy '*' -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true; }

for side in base after; do
	[[ $(get "$(url "$side" /healthz)") == 000 ]] ||
		die "something already answers on 127.0.0.1:${port[$side]}; set ${side^^}_PORT"
	"$tmp/$side/frontline" serve --addr "127.0.0.1:${port[$side]}" --db "$tmp/$side/x.db" \
		--log-level warn >"$tmp/$side/serve.log" 2>&1 &
	pid[$side]=$!
	server_pids+=("$!")
done

# The first start fills the database and builds the territory: wait for
# /healthz to say 200, at most 60 s, and give up early if a server dies.
for side in base after; do
	say "waiting for the $side server on 127.0.0.1:${port[$side]}"
	deadline=$((SECONDS + 60))
	until [[ $(get "$(url "$side" /healthz)") == 200 ]]; do
		if ! kill -0 "${pid[$side]}" 2>/dev/null; then
			tail -n 20 "$tmp/$side/serve.log" >&2
			die "the $side server exited before it was ready"
		fi
		if ((SECONDS >= deadline)); then
			tail -n 20 "$tmp/$side/serve.log" >&2
			die "the $side server was not ready within 60 s"
		fi
		sleep 0.2
	done
	code=$(get "$(url "$side" "/api/controller?$probe&at=2024-12-05")")
	[[ $code == 200 ]] || die "$side: /api/controller answers $code, not 200"
done

# wrkrun SIDE WHAT SECONDS prints requests per second of one wrk run
# against SIDE's /healthz or /api/controller, and fails if any answer was
# not 2xx/3xx (the error path's speed is not the figure wanted).
wrkrun() {
	local side=$1 what=$2 d=$3 out=$tmp/$1/wrk.txt
	local args=(-t2 -c64 "-d${d}s")
	if [[ $what == controller ]]; then
		args+=(-s "$tmp/points.lua" "$(url "$side" "")")
	else
		args+=("$(url "$side" /healthz)")
	fi
	timeout $((d + 30)) wrk "${args[@]}" >"$out" 2>&1 || { cat "$out" >&2; die "$side: wrk on $what failed"; }
	if grep -q 'Non-2xx' "$out"; then
		cat "$out" >&2
		die "$side: $what answered errors under load"
	fi
	grep -q 'Socket errors' "$out" && echo "warning: $side $what: $(grep 'Socket errors' "$out")" >&2
	awk '/^Requests\/sec:/ { print $2; found = 1 } END { exit !found }' "$out" ||
		{ cat "$out" >&2; die "$side: no Requests/sec in wrk's output"; }
}

say "warming up both servers"
for side in base after; do
	wrkrun "$side" controller 2 >/dev/null
	wrkrun "$side" healthz 2 >/dev/null
done

for ((r = 1; r <= ROUNDS; r++)); do
	say "wrk, round $r/$ROUNDS: $(order "$r")"
	for what in controller healthz; do
		for side in $(order "$r"); do
			wrkrun "$side" "$what" "$duration_s" >>"$tmp/results/$side.$what"
		done
	done
done

for what in controller healthz; do
	for side in base after; do
		med[$side.$what]=$(median <"$tmp/results/$side.$what") || die "$side: no $what figures"
	done
done

load_after=$(load)

# ---- Report ----------------------------------------------------------

echo
echo "Samples (in run order):"
for b in Control Faction Rebuild TileColdZ7; do
	for side in base after; do
		printf '  %-22s %-5s ns/op  %s\n' "Benchmark$b" "$side" "$(samples "$side" "Benchmark$b" ns/op | tr '\n' ' ')"
	done
done
for what in controller healthz; do
	for side in base after; do
		printf '  %-22s %-5s req/s  %s\n' "$what" "$side" "$(tr '\n' ' ' <"$tmp/results/$side.$what")"
	done
done

if [[ -n $benchstat ]]; then
	echo
	(cd "$tmp/results" && "$benchstat" base after)
fi

# ns prints a duration in ns with 3 significant figures and a unit.
ns() {
	awk -v v="$1" 'BEGIN {
		u = "ns"; if (v >= 1e6) { v /= 1e6; u = "ms" } else if (v >= 1e3) { v /= 1e3; u = "µs" }
		f = v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f"
		printf f " %s\n", v, u }'
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.0f%%\n", 100 * a / b }'; }
# Right-aligns to a width counted in characters: µ is two bytes, and
# printf pads by bytes in some locales.
rpad() {
	local s=$1 w=$2 plain=${1//µ/u}
	printf '%*s%s' $((w - ${#plain})) '' "$s"
}
row() {
	printf '%-26s' "$1"
	rpad "$2" 12
	rpad "$3" 12
	rpad "$4" 12
	echo
}

echo
echo "base = $BASE, after = $after_dir ($after_desc); medians of $COUNT Go runs and $ROUNDS wrk runs of $DURATION per side"
echo "load average (1 min): $load_before before the Go benchmarks, $load_after after wrk"
echo
row figure base after after/base
row "point query (in process)" "$(ns "${med[base.Control.ns/op]}")" "$(ns "${med[after.Control.ns/op]}")" \
	"$(pct "${med[after.Control.ns/op]}" "${med[base.Control.ns/op]}")"
row "  allocs/op" "${med[base.Control.allocs/op]}" "${med[after.Control.allocs/op]}" \
	"$(pct "${med[after.Control.allocs/op]}" "${med[base.Control.allocs/op]}")"
row "faction (in process)" "$(ns "${med[base.Faction.ns/op]}")" "$(ns "${med[after.Faction.ns/op]}")" \
	"$(pct "${med[after.Faction.ns/op]}" "${med[base.Faction.ns/op]}")"
row "  allocs/op" "${med[base.Faction.allocs/op]}" "${med[after.Faction.allocs/op]}" \
	"$(pct "${med[after.Faction.allocs/op]}" "${med[base.Faction.allocs/op]}")"
row "territory rebuild" "$(ns "${med[base.Rebuild.ns/op]}")" "$(ns "${med[after.Rebuild.ns/op]}")" \
	"$(pct "${med[after.Rebuild.ns/op]}" "${med[base.Rebuild.ns/op]}")"
row "cold z7 tile" "$(ns "${med[base.TileColdZ7.ns/op]}")" "$(ns "${med[after.TileColdZ7.ns/op]}")" \
	"$(pct "${med[after.TileColdZ7.ns/op]}" "${med[base.TileColdZ7.ns/op]}")"
row "  allocs/op" "${med[base.TileColdZ7.allocs/op]}" "${med[after.TileColdZ7.allocs/op]}" \
	"$(pct "${med[after.TileColdZ7.allocs/op]}" "${med[base.TileColdZ7.allocs/op]}")"
for what in controller healthz; do
	label="/healthz (HTTP)"
	[[ $what == controller ]] && label="/api/controller (HTTP)"
	row "$label" "$(printf '%.0f r/s' "${med[base.$what]}")" "$(printf '%.0f r/s' "${med[after.$what]}")" \
		"$(pct "${med[after.$what]}" "${med[base.$what]}")"
done
row "  controller / healthz" "$(pct "${med[base.controller]}" "${med[base.healthz]}")" \
	"$(pct "${med[after.controller]}" "${med[after.healthz]}")" ""

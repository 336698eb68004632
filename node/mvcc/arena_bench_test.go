package mvcc

import (
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkGCLargeValues times a full garbage collection (runtime.GC: mark
// and sweep) with five stores of the page's largest stress live (10,000
// keys of 4,096-byte values, 2,000 revisions of history each, compacted):
// what one GC cycle costs the page's only thread under js/wasm.
//
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm go test -run '^$' -bench GCLargeValues ./node/mvcc
func BenchmarkGCLargeValues(b *testing.B) {
	const members, keys, size, history = 5, 10000, 4096, 2000
	value := string(make([]byte, size))
	stores := make([]*Store, members)
	for m := range stores {
		s := New()
		for i := range keys + 3*history {
			mustPut(b, s, fmt.Sprintf("stress/%05d", i*7919%keys), value)
		}
		if _, err := s.Compact(s.Rev() - history); err != nil {
			b.Fatal(err)
		}
		stores[m] = s
	}
	runtime.GC()
	for b.Loop() {
		runtime.GC()
	}
	runtime.KeepAlive(stores)
}

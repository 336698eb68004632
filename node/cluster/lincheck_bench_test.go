package cluster

import (
	"testing"
)

// BenchmarkCheckLinearizable20k: the check of a 20,000-put stress history
// (full speed, 100 keys, as the page's stress panel at its largest count),
// without the run itself. Under js/wasm:
//
//	PATH="$PATH:$(go env GOROOT)/lib/wasm" GOOS=js GOARCH=wasm go test -run '^$' -bench CheckLinearizable ./node/cluster/
func BenchmarkCheckLinearizable20k(b *testing.B) {
	c := newTestCluster(b, Config{Seed: 1})
	waitLeader(b, c, 200)
	run := c.Stress(StressConfig{Count: 20000, MaxRate: true, Keys: 100})
	tickUntil(b, c, 100000, "the stress run done", func() bool { return !run.Progress().Running })
	var v LinVerdict
	for b.Loop() {
		var err error
		if v, err = c.CheckLinearizable(0); err != nil {
			b.Fatal(err)
		}
	}
	if !v.OK || v.Ops != 20000 {
		b.Fatalf("verdict %v", v)
	}
}

package cluster

import (
	"fmt"
	"testing"
)

// BenchmarkCheckLinearizable20k: the check of a 20,000-put stress history
// (full speed, 100 keys, as the page's stress panel at its largest count;
// and all on one key, porcupine's worst case), without the run itself. Under js/wasm:
//
//	PATH="$PATH:$(go env GOROOT)/lib/wasm" GOOS=js GOARCH=wasm go test -run '^$' -bench CheckLinearizable ./node/cluster/
func BenchmarkCheckLinearizable20k(b *testing.B) {
	for _, keys := range []int{100, 1} {
		b.Run(fmt.Sprintf("keys=%d", keys), func(b *testing.B) { benchCheck(b, keys) })
	}
}

// benchCheck checks a 20,000-put full-speed stress over keys keys, with
// a linearizable get of each key through every member after it.
func benchCheck(b *testing.B, keys int) {
	c := newTestCluster(b, Config{Seed: 1})
	waitLeader(b, c, 200)
	run := c.Stress(StressConfig{Count: 20000, MaxRate: true, Keys: keys})
	tickUntil(b, c, 100000, "the stress run done", func() bool { return !run.Progress().Running })
	var gets []*Call
	for k := range keys {
		for _, m := range c.Members() {
			gets = append(gets, c.Do(m, get(stressKey(k))))
		}
	}
	tickUntil(b, c, 1000, "the gets answered", func() bool {
		for _, g := range gets {
			if !g.Answered() {
				return false
			}
		}
		return true
	})
	var v LinVerdict
	for b.Loop() {
		var err error
		if v, err = c.CheckLinearizable(0); err != nil {
			b.Fatal(err)
		}
	}
	if !v.OK || v.Ops != 20000+len(gets) {
		b.Fatalf("verdict %v", v)
	}
}

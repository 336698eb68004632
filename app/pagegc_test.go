package app

import (
	"context"
	"testing"
)

// allocate allocates (and drops) a little more than pageGCEvery bytes.
func allocate() {
	var keep [][]byte
	for n := 0; n < pageGCEvery+(1<<20); n += 64 << 10 {
		keep = append(keep, make([]byte, 64<<10))
	}
	_ = keep
}

// collectBetweenRefreshes collects only once pageGCEvery bytes were
// allocated since it last did, and not at all when its context ended
// first.
func TestCollectBetweenRefreshes(t *testing.T) {
	var g pageGC
	ctx := context.Background()
	allocate()
	if !g.collectBetweenRefreshes(ctx) || g.last == 0 {
		t.Fatal("no collection after pageGCEvery bytes")
	}
	first := g.last
	g.collectBetweenRefreshes(ctx)
	if g.last != first {
		t.Fatal("collected again with nothing allocated in between")
	}
	allocate()
	g.collectBetweenRefreshes(ctx)
	if g.last <= first {
		t.Fatal("a second pageGCEvery bytes and no collection")
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	allocate()
	if g.collectBetweenRefreshes(done) {
		t.Fatal("true with an ended context when a collection was due")
	}
}

package app

import (
	"context"
	"runtime"

	"github.com/etcd-play/etcd-play/node/cluster"
)

// The page's Go collector runs between refreshes, not in them. Under a
// stress the page allocates about a megabyte per refresh (go-app builds a
// new tree for each render) and its heap holds only a few: with the
// default GOGC the collector ran six times a second, its mark work inside
// whichever render task was running, 15-40% of the longest tasks (Chromium
// profile). main sets GOGC to 400 for the page, and the refresh loop calls
// collectBetweenRefreshes after each refresh: once pageGCEvery bytes were
// allocated since the last collection, it collects in a task of its own
// (cluster.YieldTask), so the automatic collection rarely has to.

// pageGCEvery is how many bytes the page allocates between two collections
// by collectBetweenRefreshes.
const pageGCEvery = 8 << 20

// pageGC tracks the allocations since the last collection. Refresh
// goroutine only.
type pageGC struct {
	last uint64 // cumulative bytes allocated at the last collection
}

// collectBetweenRefreshes collects if pageGCEvery bytes were allocated
// since the last time it did, in a browser task of its own; false when ctx
// ended first.
func (g *pageGC) collectBetweenRefreshes(ctx context.Context) bool {
	// ReadMemStats stops the world, which on the page's one thread is
	// only the cost of summing the allocator's counters
	// (runtime/metrics would add 3.7 KB to the gzipped wasm for the same
	// figure).
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	allocs := ms.TotalAlloc
	if allocs-g.last < pageGCEvery {
		return true
	}
	cluster.YieldTask() // a browser task of its own
	if ctx.Err() != nil {
		return false
	}
	runtime.GC()
	g.last = allocs
	return true
}

package cluster

import (
	"fmt"
	"slices"
)

// Loading a quorum first (Config.LoadQuorumFirst). A cluster resumed from
// durable storage spends most of its start restoring each member's store
// from its snapshot, one member after another on the page's one thread.
// It can serve as soon as a quorum is up, as a real etcd cluster does after
// a full restart whose members come back at different times; so New starts
// members 1..n/2+1 and leaves the others "loading": their storage is open,
// their network is down, and Tick starts one of them per tick from tick
// LoadRestAfterTicks on, in id order (deterministic: ticks only).
//
// A loading member is down for every purpose but Status, which reports it
// as "loading". Kill cancels its load (it stays down, as any killed
// member); Restart loads it at once; KillAll cancels every load.

// deferLoad marks member id as loading. Called by New.
func (c *Cluster) deferLoad(id uint64) {
	c.loading = append(c.loading, id)
	c.net.SetDown(id, true)
}

// isLoading reports whether member id waits to load. Called with c.mu held.
func (c *Cluster) isLoading(id uint64) bool { return slices.Contains(c.loading, id) }

// cancelLoad removes id from the members waiting to load and reports
// whether it was one. Called with c.mu held.
func (c *Cluster) cancelLoad(id uint64) bool {
	i := slices.Index(c.loading, id)
	if i < 0 {
		return false
	}
	c.loading = slices.Delete(c.loading, i, i+1)
	return true
}

// loadTick starts the next loading member once the cluster's clock reached
// LoadRestAfterTicks. Called with c.mu held, during Tick, before the
// members' rounds (so the member takes part in this tick).
func (c *Cluster) loadTick() {
	if len(c.loading) == 0 || c.now < c.cfg.LoadRestAfterTicks {
		return
	}
	id := c.loading[0]
	c.loading = c.loading[1:]
	c.start(id, "loaded")
}

// loadingText describes the members New deferred, for its event.
func loadingText(quorum []uint64, rest []uint64, after uint64) string {
	return fmt.Sprintf("members %v loaded first (a quorum); members %v load one per tick from tick %d",
		quorum, rest, after)
}

package cluster

import "fmt"

// Duplicate and reorder faults, and the flaky-network preset. Like every
// fault in faults.go they are queued, take effect at the start of the next
// Tick (so a run replays from its seed and actions) and are logged as
// "fault" events then.

// SetDuplicate makes the link from -> to deliver each message twice with
// probability p (clamped to [0, 1]; see transport.Network.SetDuplicate).
func (c *Cluster) SetDuplicate(from, to uint64, p float64) {
	c.fault(Action{Kind: KindDuplicate, From: from, To: to, P: p}, fmt.Sprintf("link %d -> %d duplicates %.0f%% of messages", from, to, p*100),
		func() { c.net.SetDuplicate(from, to, p) })
}

// SetReorder gives the link from -> to a reorder window of ticks ticks:
// each message is held 0..ticks-1 extra ticks, so messages sent within
// ticks ticks of each other may arrive in either order (0 and 1: in order).
func (c *Cluster) SetReorder(from, to uint64, ticks int) {
	c.fault(Action{Kind: KindReorder, From: from, To: to, Ticks: ticks}, fmt.Sprintf("link %d -> %d reorders messages within %d ticks", from, to, ticks),
		func() { c.net.SetReorder(from, to, ticks) })
}

// Flaky is the "flaky network" preset: faults that each leave the cluster
// able to make progress, on every link at once.
var Flaky = struct {
	Drop      float64 // probability a message is lost
	Delay     int     // extra ticks on every message
	Duplicate float64 // probability a message arrives twice
	Reorder   int     // reorder window, ticks
}{Drop: 0.05, Delay: 1, Duplicate: 0.1, Reorder: 3}

// FlakyNetwork sets Flaky's drop, delay, duplicate and reorder on every
// directed link between two members (cuts stay as they are); HealAll undoes
// it.
func (c *Cluster) FlakyNetwork() {
	text := fmt.Sprintf("flaky network: every link drops %.0f%%, delays %d tick, duplicates %.0f%%, reorders within %d ticks",
		Flaky.Drop*100, Flaky.Delay, Flaky.Duplicate*100, Flaky.Reorder)
	c.fault(Action{Kind: KindFlakyNetwork}, text, func() {
		for _, from := range c.ids {
			for _, to := range c.ids {
				if from != to {
					c.net.SetDrop(from, to, Flaky.Drop)
					c.net.SetDelay(from, to, Flaky.Delay)
					c.net.SetDuplicate(from, to, Flaky.Duplicate)
					c.net.SetReorder(from, to, Flaky.Reorder)
				}
			}
		}
	})
}

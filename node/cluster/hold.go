package cluster

// The hold: while the timeline replays the live cluster to a tick (a
// seek), actions queued from outside (a page's read, a person's kill that
// came during the seek) must not reach the ticks the replay runs: the
// first of them would end the recorded script there (script.go), and the
// tick the seek shows would be one the run never had. A hold keeps them
// aside, in order, until the hold ends; they then apply at the next tick,
// where they diverge from the script as any action there would. The
// script's own actions (applied by runScript while c.scripting) go to the
// queue as always.
//
// Concurrency: every field is guarded by qmu. A hold starts with the
// Restore that begins a seek (RestoreHeld), in the same critical section:
// an action queued between a Restore and a later hold would reach the
// replay.

// unhold ends a hold (the release RestoreHeld returns), queueing what was
// held for the next tick.
func (c *Cluster) unhold() {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	c.holding = false
	c.queue = append(c.queue, c.held...)
	c.dropped = append(c.dropped, c.heldDropped...)
	clear(c.held)
	clear(c.heldDropped)
	c.held, c.heldDropped = c.held[:0], c.heldDropped[:0]
}

// push queues a for the next tick, or holds it (hold.go); drop, if not
// nil, ends what a would start if Restore drops it. qmu held.
func (c *Cluster) push(a action, drop func()) {
	if c.holding && !c.scripting {
		c.held = append(c.held, a)
		if drop != nil {
			c.heldDropped = append(c.heldDropped, drop)
		}
		return
	}
	c.queue = append(c.queue, a)
	if drop != nil {
		c.dropped = append(c.dropped, drop)
	}
}

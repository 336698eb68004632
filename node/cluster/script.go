package cluster

// A script is a recorded future the cluster plays by itself: after the
// timeline restored the cluster to tick T of a recorded run, Script(rest,
// end) hands it the run's actions from T on, and each Tick applies the
// ones due then (Apply, as a replay does) before running. Playing on from
// the past thus replays what was recorded.
//
// Divergence: the first action a person (or client) queues while the
// cluster is before end, other than the script's own, ends the script: the
// run leaves the recorded one there. Diverged counts those events and
// gives the tick of the last; the timeline makes a new branch of it.
//
// Concurrency: Script and Diverged may be called from any goroutine; the
// script's fields are guarded by qmu (with the queue they are compared
// with). runScript runs at the start of Tick, before Tick takes c.mu (Apply
// calls the public methods, which take c.mu and qmu themselves).

// Script sets the actions the cluster applies by itself at their ticks
// (ascending; those before the current tick are ignored) until tick end,
// replacing any script it had. A nil script with end 0 clears it.
func (c *Cluster) Script(actions []Action, end uint64) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	c.script = append([]Action(nil), actions...)
	c.scriptEnd = end
	c.scriptQueued = 0
}

// Diverged returns how many times a queued action ended a script, and the
// tick at which the last one did.
func (c *Cluster) Diverged() (count, at uint64) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return c.diverged, c.divergedAt
}

// runScript queues the script's actions due at the coming tick, or ends
// the script when something else was queued before them. Tick only,
// before it takes c.mu.
func (c *Cluster) runScript() {
	c.qmu.Lock()
	if c.scriptEnd == 0 {
		c.qmu.Unlock()
		return
	}
	c.qmu.Unlock()
	now := c.Now()
	c.qmu.Lock()
	if now >= c.scriptEnd {
		c.script, c.scriptEnd, c.scriptQueued = nil, 0, 0
		c.qmu.Unlock()
		return
	}
	if len(c.queue) > 0 {
		c.divergeLocked(now)
		c.qmu.Unlock()
		return
	}
	var due []Action
	for len(c.script) > 0 && c.script[0].Tick <= now {
		if c.script[0].Tick == now {
			due = append(due, c.script[0])
		}
		c.script = c.script[1:]
	}
	c.scripting = len(due) > 0 // its actions pass a hold (hold.go)
	c.qmu.Unlock()
	for _, a := range due {
		// An action that failed when recorded was not recorded, so
		// every one applies here as it did then.
		_ = c.Apply(a)
	}
	c.qmu.Lock()
	c.scripting = false
	c.scriptQueued = len(c.queue)
	c.qmu.Unlock()
}

// divergeLocked ends the script at tick now. qmu held.
func (c *Cluster) divergeLocked(now uint64) {
	c.script, c.scriptEnd, c.scriptQueued = nil, 0, 0
	c.diverged++
	c.divergedAt = now
}

// checkScriptQueue ends the script when the queue Tick is about to run
// holds more than the script queued (an action arrived between runScript
// and Tick's swap). Tick, with c.mu and qmu held.
func (c *Cluster) checkScriptQueue(n int) {
	if c.scriptEnd != 0 && n > c.scriptQueued {
		c.divergeLocked(c.now)
	}
	c.scriptQueued = 0
}

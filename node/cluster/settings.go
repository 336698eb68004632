package cluster

import (
	"fmt"
	"strings"

	"github.com/etcd-play/etcd-play/node"
)

// Live raft settings. Settings are the raft and snapshot settings a person
// may change while the cluster runs. SetSettings queues the change as an
// action like any fault (so a run replays with it): at that tick every live
// member takes SnapshotCount and CatchUpCount at once (they are read at
// each snapshot decision), and UnsafeLocalReads (read at each request); the others are raft.Config fields, which raft
// reads only when a RawNode is created, so the members restart one at a
// time to take them: followers first, in ID order, then the leader; each
// next one only once the previous one runs again, knows a leader and
// applied what was committed when it restarted (or after
// rollingRestartPatience election timeouts, if it cannot). A member that is
// down then takes the settings when it starts again. RestartsPending says
// which members still have to restart.

// Settings are a cluster's live settings (node.Settings: one definition,
// which the engine protocol and the page share; its Validate gives the
// ranges).
type Settings = node.Settings

// needsRestart reports whether going from s to t changes a raft.Config field.
func needsRestart(s, t Settings) bool {
	s.SnapshotCount, s.CatchUpCount = t.SnapshotCount, t.CatchUpCount
	s.UnsafeLocalReads = t.UnsafeLocalReads
	return s != t
}

// describeSettings lists t's values that differ from s, for the event log.
func describeSettings(s, t Settings) string {
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	var parts []string
	add := func(changed bool, name string, v any) {
		if changed {
			parts = append(parts, fmt.Sprintf("%s %v", name, v))
		}
	}
	add(s.PreVote != t.PreVote, "pre-vote", onOff(t.PreVote))
	add(s.CheckQuorum != t.CheckQuorum, "check-quorum", onOff(t.CheckQuorum))
	add(s.ElectionTicks != t.ElectionTicks, "election-ticks", t.ElectionTicks)
	add(s.HeartbeatTicks != t.HeartbeatTicks, "heartbeat-ticks", t.HeartbeatTicks)
	add(s.SnapshotCount != t.SnapshotCount, "snapshot-count", t.SnapshotCount)
	add(s.CatchUpCount != t.CatchUpCount, "catch-up-count", t.CatchUpCount)
	add(s.MaxInflightMsgs != t.MaxInflightMsgs, "max-inflight", t.MaxInflightMsgs)
	add(s.MaxSizePerMsg != t.MaxSizePerMsg, "max-size", t.MaxSizePerMsg)
	add(s.UnsafeLocalReads != t.UnsafeLocalReads, "unsafe-local-reads", onOff(t.UnsafeLocalReads))
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, ", ")
}

// settingsOf returns cfg's settings.
func settingsOf(cfg Config) Settings {
	return Settings{
		PreVote: !cfg.DisablePreVote, CheckQuorum: !cfg.DisableCheckQuorum,
		ElectionTicks: cfg.ElectionTicks, HeartbeatTicks: cfg.HeartbeatTicks,
		SnapshotCount: cfg.SnapshotCount, CatchUpCount: cfg.CatchUpCount,
		MaxInflightMsgs: cfg.MaxInflightMsgs, MaxSizePerMsg: cfg.MaxSizePerMsg,
		UnsafeLocalReads: cfg.UnsafeLocalReads,
	}
}

// WithSettings returns cfg with s's values.
func (cfg Config) WithSettings(s Settings) Config {
	cfg.DisablePreVote, cfg.DisableCheckQuorum = !s.PreVote, !s.CheckQuorum
	cfg.ElectionTicks, cfg.HeartbeatTicks = s.ElectionTicks, s.HeartbeatTicks
	cfg.SnapshotCount, cfg.CatchUpCount = s.SnapshotCount, s.CatchUpCount
	cfg.MaxInflightMsgs, cfg.MaxSizePerMsg = s.MaxInflightMsgs, s.MaxSizePerMsg
	cfg.UnsafeLocalReads = s.UnsafeLocalReads
	return cfg
}

// DefaultSettings returns the settings of a Config that sets none.
func DefaultSettings() Settings { return node.DefaultSettings() }

// Settings returns the settings in force (the last SetSettings applied, or
// the Config's).
func (c *Cluster) Settings() Settings {
	c.mu.Lock()
	defer c.mu.Unlock()
	return settingsOf(c.cfg)
}

// RestartsPending returns the members that still have to restart to take
// the settings in force, the one restarting now first (nil: none).
func (c *Cluster) RestartsPending() []uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []uint64
	if c.rolling.current != 0 {
		out = append(out, c.rolling.current)
	}
	return append(out, c.rolling.queue...)
}

// SetSettings validates s (an error at once, nothing queued) and queues
// its application (see the section comment); logged as a "settings" event.
func (c *Cluster) SetSettings(s Settings) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	c.enqueue(Action{Kind: KindSettings, Settings: &s}, func() { c.applySettings(s) })
	return nil
}

// rollingRestartPatience bounds, in election timeouts, how long a rolling
// restart waits for a restarted member to rejoin before the next one.
const rollingRestartPatience = 10

// rollingRestart is the state of a rolling restart (c.mu guards it).
type rollingRestart struct {
	queue   []uint64 // members still to restart, in order
	current uint64   // the member restarted last, until it rejoined (0: none)
	since   uint64   // the tick it restarted at
	target  uint64   // the highest commit index when it restarted
}

// applySettings puts s in force. Called with c.mu held, during Tick.
func (c *Cluster) applySettings(s Settings) {
	old := settingsOf(c.cfg)
	c.cfg = c.cfg.WithSettings(s)
	if c.defaultTimeout {
		c.cfg.RequestTimeoutTicks = 5 * s.ElectionTicks
	}
	for _, id := range c.ids {
		if m := c.members[id]; m != nil {
			m.SetSnapshotCounts(s.SnapshotCount, s.CatchUpCount)
			m.SetUnsafeLocalReads(s.UnsafeLocalReads)
		}
	}
	text := "settings: " + describeSettings(old, s)
	if needsRestart(old, s) {
		var followers []uint64
		var leaders []uint64
		for _, id := range c.ids {
			m := c.members[id]
			switch {
			case m == nil:
			case m.Status().State == "leader":
				leaders = append(leaders, id)
			default:
				followers = append(followers, id)
			}
		}
		c.rolling.queue = append(followers, leaders...)
		c.rolling.current = 0
		text += fmt.Sprintf("; raft reads these only at start: members %v restart one at a time", c.rolling.queue)
	}
	c.emit(Event{Kind: "settings", Text: text})
}

// rollTick advances a rolling restart: once the member restarted last has
// rejoined, the next one restarts. Called with c.mu held, during Tick,
// before the members' rounds.
func (c *Cluster) rollTick() {
	r := &c.rolling
	if r.current != 0 {
		m := c.members[r.current]
		patience := uint64(rollingRestartPatience * c.cfg.ElectionTicks)
		if m != nil && c.now-r.since < patience {
			st := m.Status()
			if st.Lead == 0 || st.Applied < r.target {
				return
			}
		}
		r.current = 0
	}
	for len(r.queue) > 0 {
		id := r.queue[0]
		r.queue = r.queue[1:]
		if c.members[id] == nil {
			continue // down: it takes the settings when it starts
		}
		r.target = 0
		for _, other := range c.ids {
			if m := c.members[other]; m != nil {
				r.target = max(r.target, m.Status().Commit)
			}
		}
		c.emit(Event{Kind: "settings", Member: id, Text: fmt.Sprintf("member %d restarts to take the new raft settings", id)})
		c.kill(id)
		c.restart(id)
		r.current, r.since = id, c.now
		return
	}
}

package node

import "fmt"

// Settings are the raft and snapshot settings of a cluster's members that
// may change while it runs (node/cluster applies them: SetSettings). The
// engine protocol and the page share this one definition; Validate gives
// the ranges, with errors naming each setting as the page's controls and
// URL parameters do.
type Settings struct {
	PreVote, CheckQuorum bool
	ElectionTicks        int // ticks without a leader before an election (randomized up to twice)
	HeartbeatTicks       int // ticks between a leader's heartbeats; below ElectionTicks
	// SnapshotCount: a member snapshots once more than this many entries
	// were applied since its last snapshot. CatchUpCount: entries kept in
	// the log behind a snapshot, for followers a little behind.
	SnapshotCount, CatchUpCount uint64
	MaxInflightMsgs             int    // appends in flight to one follower
	MaxSizePerMsg               uint64 // bytes of entries in one append (at least one entry)
	// UnsafeLocalReads: a member that believes it leads answers
	// linearizable reads from its own store, without ReadIndex (a fault a
	// learner switches on to see the checker catch a stale read; see
	// Config.UnsafeLocalReads). Read at each request: no restart needed.
	UnsafeLocalReads bool
}

// Ranges Validate accepts.
const (
	MinElectionTicks, MaxElectionTicks = 2, 1000
	MaxSnapshotCount                   = 1_000_000
	MaxInflightMsgs                    = 4096
	MaxSizePerMsg                      = 64 << 20
)

// Validate reports the first setting out of range, naming it as the page
// and its URL parameters do (election-ticks, ...).
func (s Settings) Validate() error {
	switch {
	case s.ElectionTicks < MinElectionTicks || s.ElectionTicks > MaxElectionTicks:
		return fmt.Errorf("election-ticks %d: must be from %d to %d", s.ElectionTicks, MinElectionTicks, MaxElectionTicks)
	case s.HeartbeatTicks < 1 || s.HeartbeatTicks >= s.ElectionTicks:
		return fmt.Errorf("heartbeat-ticks %d: must be from 1 to election-ticks - 1 (%d)", s.HeartbeatTicks, s.ElectionTicks-1)
	case s.SnapshotCount < 1 || s.SnapshotCount > MaxSnapshotCount:
		return fmt.Errorf("snapshot-count %d: must be from 1 to %d", s.SnapshotCount, MaxSnapshotCount)
	case s.CatchUpCount < 1 || s.CatchUpCount > MaxSnapshotCount:
		return fmt.Errorf("catch-up-count %d: must be from 1 to %d", s.CatchUpCount, MaxSnapshotCount)
	case s.MaxInflightMsgs < 1 || s.MaxInflightMsgs > MaxInflightMsgs:
		return fmt.Errorf("max-inflight %d: must be from 1 to %d", s.MaxInflightMsgs, MaxInflightMsgs)
	case s.MaxSizePerMsg < 1 || s.MaxSizePerMsg > MaxSizePerMsg:
		return fmt.Errorf("max-size %d: must be from 1 to %d bytes", s.MaxSizePerMsg, MaxSizePerMsg)
	}
	return nil
}

// DefaultSettings returns the settings of a Config that sets none.
func DefaultSettings() Settings {
	c := Config{}.withDefaults()
	return Settings{PreVote: !c.DisablePreVote, CheckQuorum: !c.DisableCheckQuorum,
		ElectionTicks: c.ElectionTicks, HeartbeatTicks: c.HeartbeatTicks,
		SnapshotCount: c.SnapshotCount, CatchUpCount: c.CatchUpCount,
		MaxInflightMsgs: c.MaxInflightMsgs, MaxSizePerMsg: c.MaxSizePerMsg,
		UnsafeLocalReads: c.UnsafeLocalReads}
}

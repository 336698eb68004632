package local

import "github.com/etcd-play/etcd-play/app/engine"

// BootToLeader runs a fresh cluster's first election at once instead of in
// real time: raft's first election timeout (10 to 19 ticks, half a second
// to a second at the default 20 ticks per second) is what a visitor would
// otherwise wait for before anything happens. It steps eng one tick at a
// time until a member is leader or maxTicks ticks ran, then resumes playing
// if eng was playing, and returns the ticks it stepped. The ticks are real
// cluster ticks (the clock and the event log show them); only their pacing
// is skipped. Call it once, right after the engine is built, from a
// goroutine (Step waits for the tick).
func BootToLeader(eng engine.Engine, maxTicks int) int {
	playing := !eng.Paused()
	n := 0
	for ; n < maxTicks && !hasLeader(eng.Status()); n++ {
		eng.Step()
	}
	if playing {
		eng.Play()
	}
	return n
}

// hasLeader reports whether a member that is up is leader.
func hasLeader(st []engine.MemberView) bool {
	for _, m := range st {
		if m.Up() && m.State == "leader" {
			return true
		}
	}
	return false
}

package tour

import (
	"fmt"

	"github.com/etcd-play/etcd-play/app/engine"
)

// The election conditions the elections tour needs, read from the
// cluster's event log (node/ready.go writes the lines parsed here):
//
//	split-vote  since the step started, a term had two or more candidates
//	            and ended without a leader: no "became leader in term T",
//	            and an election for a later term began
//	no-leader   no running member leads (and some member runs)

// splitVoteSince reports whether the events with Seq > after show a split
// vote (see above).
func splitVoteSince(eng engine.Engine, after uint64) bool {
	candidates := map[uint64]int{}
	led := map[uint64]bool{}
	var last uint64 // the highest term an election began for
	for _, e := range eng.Events(after) {
		if e.Seq <= after {
			continue
		}
		var m, term uint64
		switch e.Kind {
		case "election":
			if n, _ := fmt.Sscanf(e.Text, "member %d starts an election for term %d", &m, &term); n == 2 {
				candidates[term]++
				last = max(last, term)
			}
		case "leader":
			if n, _ := fmt.Sscanf(e.Text, "member %d became leader in term %d", &m, &term); n == 2 {
				led[term] = true
			}
		}
	}
	for term, n := range candidates {
		if n >= 2 && !led[term] && term < last {
			return true
		}
	}
	return false
}

// noLeader reports whether some member runs and none of them leads.
func noLeader(c clusterView) bool {
	up := false
	for _, m := range c.st {
		if m.Up() {
			up = true
			if m.State == "leader" {
				return false
			}
		}
	}
	return up
}

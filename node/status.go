package node

import (
	"cmp"
	"slices"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/tracker"
)

// Status is a member's raft view, for the UI and invariant checks.
type Status struct {
	ID    uint64
	State string // "leader", "follower", "candidate", "pre-candidate"
	Term, Vote, Lead, Commit,
	Applied, LastIndex, FirstIndex, SnapshotIndex uint64
	// Progress is the leader's view of each other member, sorted by ID;
	// nil on non-leaders.
	Progress []Progress
	// LeadTransferee is, on a leader handing leadership over (raft's
	// MsgTransferLeader), the member it hands it to; 0 otherwise. While it
	// is set the leader refuses proposals (ErrLeaderTransfer), until the
	// transferee wins or raft aborts the transfer after an election timeout.
	LeadTransferee uint64
	// Timers are the member's election and heartbeat clocks and its
	// campaign's votes (timers.go).
	Timers Timers
}

// Progress is the leader's replication state for one follower.
type Progress struct {
	ID, Match, Next uint64
	State           string // "probe", "replicate", "snapshot"
}

// StateName maps raft's role to the playground's name for it.
func StateName(s raft.StateType) string {
	switch s {
	case raft.StateLeader:
		return "leader"
	case raft.StateCandidate:
		return "candidate"
	case raft.StatePreCandidate:
		return "pre-candidate"
	default:
		return "follower"
	}
}

func progressName(s tracker.StateType) string {
	switch s {
	case tracker.StateReplicate:
		return "replicate"
	case tracker.StateSnapshot:
		return "snapshot"
	default:
		return "probe"
	}
}

// Status reports the member's current raft state.
func (m *Member) Status() Status {
	var s Status
	m.withRaft(func() {
		bs := m.rn.BasicStatus()
		s = Status{
			ID: m.id, State: StateName(bs.RaftState),
			Term: bs.Term, Vote: bs.Vote, Lead: bs.Lead, Commit: bs.Commit,
			Applied: m.applied, SnapshotIndex: m.snapIndex,
			LeadTransferee: bs.LeadTransferee,
		}
		s.Timers = m.timers(bs.RaftState)
		if bs.RaftState == raft.StateLeader {
			m.rn.WithProgress(func(id uint64, _ raft.ProgressType, pr tracker.Progress) {
				if id != m.id {
					s.Progress = append(s.Progress, Progress{ID: id, Match: pr.Match, Next: pr.Next, State: progressName(pr.State)})
				}
			})
			slices.SortFunc(s.Progress, func(a, b Progress) int { return cmp.Compare(a.ID, b.ID) })
		}
	})
	s.LastIndex, _ = m.st.LastIndex()
	s.FirstIndex, _ = m.st.FirstIndex()
	return s
}

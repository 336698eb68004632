package node

import (
	"fmt"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
)

// maxReadiesPerRound bounds how many Readys one HandleReady drains. A
// leader's own append acknowledgement (stepped on Advance) can make a second
// Ready immediately available; more than a few means a bug, not work.
const maxReadiesPerRound = 4

// HandleReady drains the member's pending Readys, each in raft's documented
// order (raft/doc.go):
//
//  1. persist the snapshot, entries and hard state to Storage;
//  2. send the messages;
//  3. apply the snapshot, then the committed entries, to the store, and
//     answer the calls they complete;
//  4. Advance.
//
// Afterwards it serves the linearizable reads whose ReadIndex is applied and
// takes a raft snapshot when SnapshotCount entries were applied since the
// last one. First, the writes submitted since the last round are proposed as
// one batch and the pending linearizable reads sent to ReadIndex as one
// batch. A non-nil error (Storage failure, corrupt snapshot) means the member
// crashed: the caller must Stop it; its Storage is intact up to the failure.
func (m *Member) HandleReady() error {
	if m.stopped {
		return nil
	}
	m.withRaft(func() {
		m.flushProposals()
		m.flushReads()
		m.publish()
	})
	for i := 0; i < maxReadiesPerRound; i++ {
		var rd raft.Ready
		ready := false
		m.withRaft(func() {
			if ready = m.rn.HasReady(); ready {
				rd = m.rn.Ready()
			}
		})
		if !ready {
			break
		}
		if err := m.handleOne(rd); err != nil {
			return err
		}
	}
	m.serveReads()
	return m.maybeSnapshot()
}

// handleOne handles one Ready. Only Advance (and snapshot reports) touch
// the RawNode, under raftMu; persisting and applying run without it, so
// members of one cluster can do that work in parallel.
func (m *Member) handleOne(rd raft.Ready) error {
	if rd.SoftState != nil {
		m.observeSoftState(*rd.SoftState, rd.HardState.Term)
	}
	if !raft.IsEmptyHardState(rd.HardState) && rd.HardState.Term != m.term {
		m.event("term", "member %d entered term %d", m.id, rd.HardState.Term)
		m.term = rd.HardState.Term
	}

	// 1. Persist (first noting the stored entries that this Ready's
	// entries replace, for the log view: logpage.go).
	if raft.IsEmptySnap(rd.Snapshot) {
		m.overwritten(rd.Entries)
	}
	if err := m.st.Save(rd.HardState, rd.Entries, rd.Snapshot); err != nil {
		return fmt.Errorf("node: member %d: saving raft state: %w", m.id, err)
	}

	// 2. Send.
	var snapTo []uint64
	for i := range rd.Messages {
		msg := &rd.Messages[i]
		if msg.Type == raftpb.MsgSnap {
			snapTo = append(snapTo, msg.To)
			m.event("snapshot-sent", "member %d sent a snapshot at index %d to member %d",
				m.id, msg.Snapshot.Metadata.Index, msg.To)
		}
	}
	if len(rd.Messages) > 0 {
		m.cfg.Send(rd.Messages)
	}

	// 3. Apply.
	if !raft.IsEmptySnap(rd.Snapshot) {
		if err := m.restore(rd.Snapshot); err != nil {
			return err
		}
	}
	m.applyCommitted(rd.CommittedEntries)
	for _, rs := range rd.ReadStates {
		m.readIndexed(string(rs.RequestCtx), rs.Index)
	}

	// 4. Advance.
	m.withRaft(func() {
		m.rn.Advance(rd)
		// The transport gives no delivery receipts: a snapshot counts as
		// delivered once handed over. If it was lost, the follower rejects
		// the next append probe and raft sends a new snapshot.
		for _, to := range snapTo {
			m.rn.ReportSnapshot(to, raft.SnapshotFinish)
		}
	})
	return nil
}

// observeSoftState records role and leader changes as events; a member that
// becomes leader takes over lease expiry.
func (m *Member) observeSoftState(ss raft.SoftState, term uint64) {
	if term == 0 {
		term = m.term
	}
	old := m.soft
	m.soft = ss
	if ss.RaftState != old.RaftState {
		switch ss.RaftState {
		case raft.StatePreCandidate:
			m.event("election", "member %d starts a pre-vote (term %d)", m.id, term)
		case raft.StateCandidate:
			m.event("election", "member %d starts an election for term %d", m.id, term)
		case raft.StateLeader:
			m.event("leader", "member %d became leader in term %d", m.id, term)
			m.promoteLeases()
			m.leaderSince, m.versionAt = m.now, 0
		case raft.StateFollower:
			if old.RaftState == raft.StateLeader {
				m.event("leader", "member %d stepped down in term %d", m.id, term)
			}
		}
	}
	if ss.Lead != old.Lead && ss.RaftState == raft.StateFollower {
		if ss.Lead == raft.None {
			m.event("leader", "member %d lost its leader (term %d)", m.id, term)
		} else {
			m.event("leader", "member %d follows leader %d in term %d", m.id, ss.Lead, term)
		}
	}
}

// restore replaces the store with the snapshot's (a follower that fell
// behind the leader's compacted log).
func (m *Member) restore(snap raftpb.Snapshot) error {
	s, err := restoreStore(snap.Data)
	if err != nil {
		return fmt.Errorf("node: member %d: %w", m.id, err)
	}
	s.SetHashEvery(m.cfg.HashEvery)
	m.store = s
	m.applied = snap.Metadata.Index
	m.snapIndex = snap.Metadata.Index
	m.confState = snap.Metadata.ConfState
	if err := m.members.restore(s.Meta(), &m.confState); err != nil {
		return fmt.Errorf("node: member %d: %w", m.id, err)
	}
	m.resetLeases()
	m.event("snapshot-restored", "member %d restored a snapshot at index %d (revision %d)",
		m.id, snap.Metadata.Index, s.Rev())
	return nil
}

// maybeSnapshot saves a raft snapshot of the store once more than
// SnapshotCount entries were applied since the last one, and compacts the
// log to CatchUpCount entries behind it, keeping them for followers that
// are only a little behind. Both rules are etcd's (etcdserver's
// triggerSnapshot: applied-snapi > SnapshotCount; snapshot then compact
// to snapi-SnapshotCatchUpEntries, or 1 when snapi is not above it), so
// with SnapshotCount 10 and CatchUpCount 5 the snapshots land at 11 and
// 22 and the log is compacted to 6 and 17 (etcd's own test logs).
func (m *Member) maybeSnapshot() error {
	if m.applied-m.snapIndex <= m.cfg.SnapshotCount {
		return nil
	}
	if vs, ok := m.st.(ViewSnapshotter); ok {
		// O(1) now; the bytes are encoded if and when they are read.
		if err := vs.CreateSnapshotView(m.applied, &m.confState, m.store.SnapshotView()); err != nil {
			return fmt.Errorf("node: member %d: saving snapshot: %w", m.id, err)
		}
	} else {
		data, err := m.store.Snapshot()
		if err != nil {
			return fmt.Errorf("node: member %d: snapshotting store: %w", m.id, err)
		}
		if _, err := m.st.CreateSnapshot(m.applied, &m.confState, data); err != nil {
			return fmt.Errorf("node: member %d: saving snapshot: %w", m.id, err)
		}
	}
	m.snapIndex = m.applied
	compacted := ""
	to := uint64(1)
	if m.applied > m.cfg.CatchUpCount {
		to = m.applied - m.cfg.CatchUpCount
	}
	first, err := m.st.FirstIndex()
	if err != nil {
		return fmt.Errorf("node: member %d: %w", m.id, err)
	}
	if to >= first { // else already compacted (etcd ignores ErrCompacted)
		if err := m.st.Compact(to); err != nil {
			return fmt.Errorf("node: member %d: compacting log: %w", m.id, err)
		}
		compacted = fmt.Sprintf(", log compacted through index %d", to)
	}
	m.event("snapshot-saved", "member %d saved a snapshot at index %d (revision %d)%s",
		m.id, m.applied, m.store.Rev(), compacted)
	return nil
}

package cluster

import (
	"fmt"
	"slices"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// FollowerProgress is the leader's replication state for one follower:
// ID, Match, Next and State ("probe", "replicate" or "snapshot").
type FollowerProgress = node.Progress

// MemberStatus describes one member for the UI.
type MemberStatus struct {
	ID    uint64
	Name  string
	State string // "leader", "follower", "candidate", "pre-candidate", "down", "loading" (loading.go)
	Term, Vote, Leader, Commit,
	Applied, LastIndex, SnapshotIndex uint64
	Revision, CompactRevision int64
	Keys                      int
	// Hash is the member's HashKV at HashRevision, one revision for every
	// live member (sharedRevision): the members' common revision, else the
	// highest one all of them answer without scanning their stores, under
	// one compaction revision, so that members with equal data show equal
	// hashes. Zero when the member is down or has compacted past
	// HashRevision.
	Hash         uint32
	HashRevision int64
	StoreBytes   int64
	Progress     []FollowerProgress // leader only, sorted by ID
}

// Status returns one MemberStatus per member, sorted by ID. A down member
// shows what its storage holds (term, vote, commit, indexes).
func (c *Cluster) Status() []MemberStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	hashRev := c.sharedRevision()
	out := make([]MemberStatus, 0, len(c.ids))
	for _, id := range c.ids {
		s := MemberStatus{ID: id, Name: fmt.Sprintf("etcd-%d", id), HashRevision: hashRev}
		m := c.members[id]
		if m == nil {
			s.State = "down"
			if c.isLoading(id) {
				s.State = "loading" // loading.go
			}
			st := c.storages[id]
			if hs, _, err := st.InitialState(); err == nil {
				s.Term, s.Vote, s.Commit = hs.Term, hs.Vote, hs.Commit
			}
			s.LastIndex, _ = st.LastIndex()
			if snap, err := st.Snapshot(); err == nil {
				s.SnapshotIndex = snap.Metadata.Index
			}
			out = append(out, s)
			continue
		}
		ns := m.Status()
		s.State, s.Term, s.Vote, s.Leader = ns.State, ns.Term, ns.Vote, ns.Lead
		s.Commit, s.Applied, s.LastIndex, s.SnapshotIndex = ns.Commit, ns.Applied, ns.LastIndex, ns.SnapshotIndex
		s.Progress = ns.Progress
		store := m.Store()
		stats := store.Stats()
		s.Revision, s.CompactRevision, s.Keys, s.StoreBytes = stats.Rev, stats.CompactRev, stats.Keys, stats.Bytes
		if h, err := c.hashes.get(store, hashRev); err == nil {
			s.Hash = h.Hash
		}
		out = append(out, s)
	}
	return out
}

// sharedRevision is the revision at which Status compares the live
// members' hashes (0 when none is live), in order of preference:
//  1. their revision, if they all have the same one and the same
//     compaction revision (HashKV at the current revision is incremental);
//  2. else the highest revision at which every live member answers HashKV
//     without a scan (mvcc.Store.CachedHashes: a hash its compaction cached,
//     a checkpoint taken under its current compaction revision, or its
//     current revision), all under ONE compaction revision, so that equal
//     data gives equal hashes: right after a compaction that is the
//     compaction revision, whose hash the members that applied it cached
//     and the others recorded as a checkpoint (or cached at their own
//     compaction revision, the previous one, which the others still hold);
//  3. else the lowest current revision, where the members above it scan
//     and members under different compaction revisions may differ.
//
// Called with c.mu held.
func (c *Cluster) sharedRevision() int64 {
	var low, high int64
	live, sameCompact := 0, true
	var compact int64
	for _, id := range c.ids {
		if m := c.members[id]; m != nil {
			st := m.Store()
			r, cr := st.Rev(), st.CompactRev()
			if live == 0 {
				low, high, compact = r, r, cr
			}
			live++
			low, high = min(low, r), max(high, r)
			sameCompact = sameCompact && cr == compact
		}
	}
	if live == 0 || (low == high && sameCompact) {
		return low
	}
	// The points every live member lists: the first one's, filtered by
	// each other member's (a few dozen each).
	var common, pts []mvcc.HashPoint
	first := true
	for _, id := range c.ids {
		m := c.members[id]
		if m == nil {
			continue
		}
		if first {
			common, first = m.Store().CachedHashes(nil), false
			continue
		}
		pts = m.Store().CachedHashes(pts[:0])
		common = slices.DeleteFunc(common, func(p mvcc.HashPoint) bool { return !slices.Contains(pts, p) })
	}
	var best int64
	for _, p := range common {
		best = max(best, p.Rev)
	}
	if best > 0 {
		return best
	}
	return low
}

// hashCache remembers HashKV results: a store's hash at a revision changes
// only when it compacts, so (store, revision, compact revision) is a key.
type hashCache map[hashKey]mvcc.HashKVResult

type hashKey struct {
	store      *mvcc.Store
	rev        int64
	compactRev int64
}

func (hc *hashCache) get(s *mvcc.Store, rev int64) (mvcc.HashKVResult, error) {
	k := hashKey{s, rev, s.CompactRev()}
	if h, ok := (*hc)[k]; ok {
		return h, nil
	}
	h, err := s.HashKV(rev)
	if err != nil {
		return h, err
	}
	if *hc == nil || len(*hc) >= 64 {
		*hc = hashCache{} // bounded: drop everything rather than track ages
	}
	(*hc)[k] = h
	return h, nil
}

// MemberState is one member's state for invariant checks (chaos tests).
type MemberState struct {
	node.Status
	Up              bool
	Revision        int64
	CompactRevision int64
}

// Inspect returns every member's state, sorted by ID, between ticks. A down
// member has Up false and only ID set.
func (c *Cluster) Inspect() []MemberState {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]MemberState, 0, len(c.ids))
	for _, id := range c.ids {
		m := c.members[id]
		if m == nil {
			out = append(out, MemberState{Status: node.Status{ID: id}})
			continue
		}
		out = append(out, MemberState{Status: m.Status(), Up: true,
			Revision: m.Store().Rev(), CompactRevision: m.Store().CompactRev()})
	}
	return out
}

// HashKV returns member id's HashKV at rev (0: its current revision).
func (c *Cluster) HashKV(id uint64, rev int64) (mvcc.HashKVResult, error) {
	if err := c.checkID(id); err != nil {
		return mvcc.HashKVResult{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.members[id]
	if m == nil {
		return mvcc.HashKVResult{}, fmt.Errorf("member %d: %w", id, ErrMemberDown)
	}
	if rev == 0 {
		rev = m.Store().Rev()
	}
	return c.hashes.get(m.Store(), rev)
}

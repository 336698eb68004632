package cluster

import (
	"fmt"
	"slices"

	"go.etcd.io/raft/v3/raftpb"
)

// invariants checks the safety properties of one chaos run. OnApply feeds it
// every applied entry (inside Tick); afterTick checks the cluster between
// ticks. The first violation is kept in err and stops the run.
//
// Properties:
//   - at most one leader per term (seen between ticks);
//   - a member's term and commit index never decrease, across restarts too
//     (they are durable);
//   - committed entries never change and applied prefixes agree: every
//     member applies, at each index, the same entry (term, type, data) as
//     the first member that applied that index;
//   - live members at equal applied index have equal revision and HashKV.
type invariants struct {
	entries map[uint64]appliedEntry // index -> first entry applied there
	leaders map[uint64]uint64       // term -> leader seen in it
	term    map[uint64]uint64       // member -> highest term seen
	commit  map[uint64]uint64       // member -> highest commit seen
	err     error
}

type appliedEntry struct {
	member uint64
	term   uint64
	typ    raftpb.EntryType
	data   string
}

func newInvariants() *invariants {
	return &invariants{
		entries: map[uint64]appliedEntry{},
		leaders: map[uint64]uint64{},
		term:    map[uint64]uint64{},
		commit:  map[uint64]uint64{},
	}
}

func (iv *invariants) fail(format string, args ...any) {
	if iv.err == nil {
		iv.err = fmt.Errorf(format, args...)
	}
}

// onApply is Config.OnApply: called during Tick, so it only records.
func (iv *invariants) onApply(member uint64, e raftpb.Entry) {
	got := appliedEntry{member: member, term: e.Term, typ: e.Type, data: string(e.Data)}
	first, ok := iv.entries[e.Index]
	if !ok {
		iv.entries[e.Index] = got
		return
	}
	if first.term != got.term || first.typ != got.typ || first.data != got.data {
		iv.fail("member %d applied entry %d (term %d, %d bytes) but member %d applied entry %d (term %d, %d bytes) there",
			member, e.Index, e.Term, len(e.Data), first.member, e.Index, first.term, len(first.data))
	}
}

// afterTick checks the properties visible between ticks.
func (iv *invariants) afterTick(c *Cluster) {
	if iv.err != nil {
		return
	}
	states := c.Inspect()
	byApplied := map[uint64][]MemberState{}
	for _, s := range states {
		if !s.Up {
			continue
		}
		if s.State == "leader" {
			if l, ok := iv.leaders[s.Term]; ok && l != s.ID {
				iv.fail("two leaders in term %d: members %d and %d", s.Term, l, s.ID)
				return
			}
			iv.leaders[s.Term] = s.ID
		}
		if s.Term < iv.term[s.ID] {
			iv.fail("member %d term went back from %d to %d", s.ID, iv.term[s.ID], s.Term)
			return
		}
		iv.term[s.ID] = s.Term
		if s.Commit < iv.commit[s.ID] {
			iv.fail("member %d commit index went back from %d to %d", s.ID, iv.commit[s.ID], s.Commit)
			return
		}
		iv.commit[s.ID] = s.Commit
		if s.Applied > s.Commit {
			iv.fail("member %d applied %d beyond its commit index %d", s.ID, s.Applied, s.Commit)
			return
		}
		byApplied[s.Applied] = append(byApplied[s.Applied], s)
	}
	indexes := make([]uint64, 0, len(byApplied))
	for idx := range byApplied {
		indexes = append(indexes, idx)
	}
	slices.Sort(indexes)
	for _, idx := range indexes {
		group := byApplied[idx]
		if len(group) < 2 {
			continue
		}
		first := group[0]
		h0, err := c.HashKV(first.ID, 0)
		if err != nil {
			iv.fail("HashKV of member %d: %v", first.ID, err)
			return
		}
		for _, s := range group[1:] {
			if s.Revision != first.Revision {
				iv.fail("members %d and %d applied up to %d but are at revisions %d and %d",
					first.ID, s.ID, idx, first.Revision, s.Revision)
				return
			}
			h, err := c.HashKV(s.ID, 0)
			if err != nil {
				iv.fail("HashKV of member %d: %v", s.ID, err)
				return
			}
			if h.Hash != h0.Hash || h.CompactRevision != h0.CompactRevision {
				iv.fail("members %d and %d applied up to %d (revision %d) but HashKV differs: %08x (compact %d) vs %08x (compact %d)",
					first.ID, s.ID, idx, s.Revision, h0.Hash, h0.CompactRevision, h.Hash, h.CompactRevision)
				return
			}
		}
	}
}

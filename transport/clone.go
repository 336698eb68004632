package transport

import "go.etcd.io/raft/v3/raftpb"

// cloneMessage returns a deep copy of m: no slice or pointer in the result
// shares memory with m. Entry data of one message is copied into a single
// buffer to keep allocations per message small.
func cloneMessage(m *raftpb.Message) raftpb.Message {
	c := *m
	if m.Entries != nil {
		size := 0
		for i := range m.Entries {
			size += len(m.Entries[i].Data)
		}
		buf := make([]byte, 0, size)
		c.Entries = make([]raftpb.Entry, len(m.Entries))
		for i := range m.Entries {
			e := m.Entries[i]
			if e.Data != nil {
				start := len(buf)
				buf = append(buf, e.Data...)
				// Full slice expression: an append by the recipient
				// to one entry's data must not overwrite the next.
				e.Data = buf[start:len(buf):len(buf)]
			}
			c.Entries[i] = e
		}
	}
	if m.Snapshot != nil {
		s := *m.Snapshot
		s.Data = cloneBytes(s.Data)
		cs := &s.Metadata.ConfState
		cs.Voters = cloneIDs(cs.Voters)
		cs.Learners = cloneIDs(cs.Learners)
		cs.VotersOutgoing = cloneIDs(cs.VotersOutgoing)
		cs.LearnersNext = cloneIDs(cs.LearnersNext)
		c.Snapshot = &s
	}
	c.Context = cloneBytes(m.Context)
	if m.Responses != nil {
		c.Responses = make([]raftpb.Message, len(m.Responses))
		for i := range m.Responses {
			c.Responses[i] = cloneMessage(&m.Responses[i])
		}
	}
	return c
}

// cloneBytes copies b, keeping nil as nil and empty as empty.
func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}

func cloneIDs(ids []uint64) []uint64 {
	if ids == nil {
		return nil
	}
	return append(make([]uint64, 0, len(ids)), ids...)
}

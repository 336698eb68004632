package transport

import "go.etcd.io/raft/v3/raftpb"

// The payload bytes of a message, entry Data and snapshot Data, are shared
// between the sender and every recipient instead of copied: they are most
// of what a message weighs (a leader replicating 100 puts of 4 KiB per tick
// would copy ~400 KB per batch, the page's largest avoidable allocation).
//
// Invariant (the payload contract): bytes reachable through Entry.Data or
// Snapshot.Data of a message given to Send are never written again, by
// anyone, for as long as any member may hold them: not by the sender after
// Send returns, not by a recipient, not by raft (which never writes entry or
// snapshot data), not by a Storage. Every producer and consumer in this
// module keeps it (node/entrydata.go documents where entry data is made):
//   - entry data is encoded once into bytes nobody else is handed
//     (node.encodePut, encodeRequest, raft's own empty and conf-change
//     entries, read-index contexts) before raft sees it;
//   - raft, node.MemoryStorage and durable.RaftStorage keep and re-send
//     entries and snapshots as they are, and encode them only by reading;
//   - decoders alias data read-only: decoded byte strings have their
//     capacity cut to their length, and the mvcc store copies every key
//     and value it keeps; mvcc.Restore shares no memory with its input;
//   - a message that is delayed, re-sent or delivered to several members
//     carries the same bytes, which is safe only because nobody writes them.
//
// Data handed over has its capacity cut to its length, so that an append by
// a recipient reallocates instead of writing into the sender's spare
// capacity (or the next entry's bytes in a shared block).
//
// Everything else, the message struct, the Entries slice, the Snapshot
// struct, ConfState id slices, Context and nested Responses, is copied:
// raft does write into the entries of a proposal it receives (it assigns
// their Term and Index), and these are small.
//
// Network.CheckShared verifies the contract at run time (for tests).

// shareMessage returns a copy of m that shares only the payload bytes with
// it (see the payload contract above): no other slice or pointer in the
// result aliases m.
func shareMessage(m *raftpb.Message) raftpb.Message {
	c := *m
	if m.Entries != nil {
		c.Entries = make([]raftpb.Entry, len(m.Entries))
		for i := range m.Entries {
			c.Entries[i] = m.Entries[i]
			c.Entries[i].Data = clip(m.Entries[i].Data)
		}
	}
	if m.Snapshot != nil {
		s := *m.Snapshot
		s.Data = clip(s.Data)
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
			c.Responses[i] = shareMessage(&m.Responses[i])
		}
	}
	return c
}

// clip returns b with its capacity cut to its length (nil stays nil).
func clip(b []byte) []byte { return b[:len(b):len(b)] }

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

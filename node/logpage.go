package node

import (
	"fmt"
	"math"

	"go.etcd.io/raft/v3/raftpb"
)

// LogEntry is one raft log entry as the log view shows it: its position,
// its kind (EntryKind) and one line of its decoded request (DescribeEntry).
type LogEntry struct {
	Index, Term uint64
	Kind, Text  string
}

// NewLogEntry describes e.
func NewLogEntry(e raftpb.Entry) LogEntry {
	return LogEntry{Index: e.Index, Term: e.Term, Kind: EntryKind(e), Text: DescribeEntry(e)}
}

// LogWindow is what a Storage holds of the log around a requested range:
// the stored entries [First, Last] (First-1 is the compacted prefix's
// last index, kept only as a boundary) and the ones of them in the range
// asked for.
type LogWindow struct {
	From        uint64 // the range's first index (the one asked for, or the newest count's)
	First, Last uint64
	Entries     []LogEntry
}

// ReadLog reads the stored entries with index in [from, from+count) from
// st, described; from == 0 means the newest count entries. Compacted
// indexes (below First) and indexes above Last are simply absent, so a
// window over a log of any length costs O(count). count must be >= 0.
// Callers that share st with a running member call it while the member is
// not running (the cluster's lock): it only reads.
func ReadLog(st Storage, from uint64, count int) (LogWindow, error) {
	if count < 0 {
		return LogWindow{}, fmt.Errorf("node: log window of %d entries", count)
	}
	var w LogWindow
	first, err := st.FirstIndex()
	if err != nil {
		return w, err
	}
	last, err := st.LastIndex()
	if err != nil {
		return w, err
	}
	w.First, w.Last = first, last
	if from == 0 {
		from = 1
		if last >= uint64(count) {
			from = last - uint64(count) + 1
		}
	}
	w.From = from
	lo, hi := max(from, first), min(from+uint64(count), last+1) // [lo, hi)
	if count == 0 || lo >= hi {
		return w, nil
	}
	ents, err := st.Entries(lo, hi, math.MaxUint64)
	if err != nil {
		return w, fmt.Errorf("node: reading log entries %d..%d: %w", lo, hi-1, err)
	}
	w.Entries = make([]LogEntry, len(ents))
	for i := range ents {
		w.Entries[i] = NewLogEntry(ents[i])
	}
	return w, nil
}

// overwritten reports, through Config.OnOverwrite, the stored entries that
// saving ents (one Ready's entries, no snapshot) is about to replace: those
// at an index ents covers with another term, and those past ents' last
// index (raft truncates the tail at a conflict). Called before Save, on
// the member's goroutine; it only reads the storage, so the run is the
// same with or without it. Nothing is replaced in the usual case (ents
// start right after the last stored entry) and that costs one LastIndex.
// A Ready with a snapshot is not looked at: the snapshot replaces the whole
// log (a follower far behind), which the view shows as a new compacted
// prefix, not as overwritten entries.
func (m *Member) overwritten(ents []raftpb.Entry) {
	if m.cfg.OnOverwrite == nil || len(ents) == 0 {
		return
	}
	last, err := m.st.LastIndex()
	at := ents[0].Index
	if err != nil || at > last {
		return
	}
	first, err := m.st.FirstIndex()
	if err != nil {
		return
	}
	at = max(at, first)
	if at > last {
		return
	}
	old, err := m.st.Entries(at, last+1, math.MaxUint64)
	if err != nil {
		return
	}
	var gone []LogEntry
	for _, o := range old {
		if k := o.Index - ents[0].Index; k < uint64(len(ents)) && ents[k].Term == o.Term {
			continue // the same entry (raft's log matching property)
		}
		gone = append(gone, NewLogEntry(o))
	}
	if len(gone) > 0 {
		m.cfg.OnOverwrite(gone)
	}
}

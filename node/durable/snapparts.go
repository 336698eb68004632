package durable

import (
	"encoding/binary"
	"errors"
	"fmt"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Snapshots taken as store views (node.ViewSnapshotter) are written to the
// medium in parts, a bounded number of bytes per Save, instead of in the
// tick that takes them: the member's tick then costs O(1) for a snapshot
// whatever the store's size, and each later Save carries at most
// SnapshotPartBytes of it. Under a heavy write load, parts are paced by the
// log (snapshotFreeBytes): a Save carries one per SnapshotPartBytes of log
// entries stored, so the snapshot costs the medium about as many bytes as
// the log, and the log on the medium reaches further back meanwhile.
//
// Records (besides those listed in raftstorage.go):
//
//	"p" + 8-byte BE index + 8-byte BE part   one part of the store bytes of
//	                                         the snapshot at that index
//	"t"                                      8-byte BE index, 8-byte BE part
//	                                         count: the "s" record's Data is
//	                                         the concatenation of parts
//	                                         0..count-1 of that index
//
// A snapshot in parts becomes the stored snapshot in the batch that writes
// its last part: that batch also writes "s" (metadata, empty Data) and "t",
// deletes the parts of older snapshots and applies the compactions that
// waited for it. Until then "s" and the log on the medium are those of the
// previous snapshot, so a power loss at any point restarts the member from
// the previous snapshot and a log that reaches past it.
//
// Invariant: the log on the medium is never compacted past the stored
// snapshot's index. Compact(i) above it waits (pendingCompact) and, so that
// the mirror and the medium keep the same first index, the mirror waits too:
// raft reads older entries meanwhile, which is harmless.

var (
	keySnapParts = []byte("t")
	partPrefix   = byte('p')
	partsEnd     = []byte{partPrefix + 1}
)

// SnapshotPartBytes bounds the store bytes one Save writes of a snapshot
// taken as a view, and so the encoding work it does for it: a part holds
// whole stored revisions and ends at the first one that reaches this size
// (mvcc.SnapshotEncoder). A variable so that tests can use small parts.
var SnapshotPartBytes = 1 << 20

// snapshotFreeBytes: while a member is loaded, its Saves carry a snapshot
// part only once the log bytes saved since the last part reach
// SnapshotPartBytes; a lightly loaded member's Saves, which write little
// else, carry a part each. Loaded means that the log bytes of its recent
// Saves (recentLog: a sum that forgets an eighth of itself at each Save,
// about the last eight Saves) reach snapshotFreeBytes. Under a heavy write
// load the snapshot being written then adds about as many bytes to the
// medium as the log does. A Save alone does not tell the load: under the
// Benchmark panel's stress, three Saves in five carry entries (64 KiB and
// more) and two carry none (a commit index), and when those two carried a
// 1 MiB part each, parts were 90% of the bytes written and checksummed.
// When the load stops, Saves without entries carry parts again after
// about twenty (the sum decays below the bound), so the snapshot is stored.
var snapshotFreeBytes = 64 << 10 // a variable so that tests can pace small Saves

// loaded adds a Save's log bytes to recentLog and reports whether the
// member is loaded (snapshotFreeBytes).
func (s *RaftStorage) loaded(logBytes int) bool {
	s.recentLog += logBytes - s.recentLog/8
	return s.recentLog >= snapshotFreeBytes
}

func partKey(index, part uint64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64([]byte{partPrefix}, index), part)
}

var _ node.ViewSnapshotter = (*RaftStorage)(nil)

// snapWriter writes one snapshot to the medium in parts, encoding each
// part from the view only when a Save is about to carry it.
type snapWriter struct {
	meta   raftpb.SnapshotMetadata
	enc    *mvcc.SnapshotEncoder
	staged []byte // the next part: encoded, not yet stored (nil: encode it)
	last   bool   // staged is the last part
	parts  uint64 // parts stored
}

// CreateSnapshotView implements node.ViewSnapshotter: the mirror records
// the snapshot at index i at once (raft sees it), with the store bytes
// taken from v when read; the medium receives it in parts over the
// following Saves. Nothing is written now, so it cannot fail on the medium.
func (s *RaftStorage) CreateSnapshotView(i uint64, cs *raftpb.ConfState, v *mvcc.SnapshotView) error {
	if _, err := s.checkSnapshotIndex(i); err != nil {
		return err
	}
	if _, err := s.mem.CreateSnapshot(i, cs, nil); err != nil {
		return err
	}
	s.lazy, s.lazyIndex, s.lazyData = v, i, nil
	return nil
}

// lazyBytes returns the store bytes of the view snapshot, encoding them on
// first use. They stay cached until the snapshot is stored; the view stays
// (it shares the store's memory, where the bytes would be a second copy).
func (s *RaftStorage) lazyBytes() ([]byte, error) {
	if s.lazyData == nil {
		b, err := s.lazy.Bytes()
		if err != nil {
			return nil, fmt.Errorf("durable: %s: encoding the snapshot at index %d: %w", s.ns.Name(), s.lazyIndex, err)
		}
		s.lazyData = b
	}
	return s.lazyData, nil
}

// dropSnapshotWork forgets the view snapshot, the snapshot being written
// and the waiting compaction: a snapshot stored whole replaces them.
func (s *RaftStorage) dropSnapshotWork() {
	s.lazy, s.lazyIndex, s.lazyData = nil, 0, nil
	s.writer = nil
	s.pendingCompact = 0
}

// addSnapshotPart adds to b the next part of the snapshot being written
// (starting to write the newest view snapshot if none is), and, with the
// last part, what makes it the stored snapshot and the compaction that
// waited for it, given and returning the stored chunks. It returns what to
// do once b is stored (nil if it added nothing); until then s is
// unchanged, so after a failed write the next Save writes the same part.
func (s *RaftStorage) addSnapshotPart(b *Batch, chunks []span, logBytes int) (_ []span, commit func(), err error) {
	if s.loaded(logBytes) && s.logSincePart+logBytes < SnapshotPartBytes {
		return chunks, nil, nil // paced: see snapshotFreeBytes
	}
	w := s.writer
	if w == nil {
		if s.lazyIndex == 0 || s.lazyIndex <= s.snapIndex {
			return chunks, nil, nil
		}
		snap, err := s.mem.Snapshot()
		if err != nil {
			return nil, nil, err
		}
		w = &snapWriter{meta: snap.Metadata, enc: s.lazy.Encoder()}
	}
	idx := w.meta.Index
	if w.parts == 0 {
		// Parts left at or above this index by a snapshot a power loss
		// interrupted.
		b.DeleteRange(partKey(idx, 0), partsEnd)
	}
	if w.staged == nil {
		// Room for the part's overshoot (one revision) saves regrowing.
		buf := s.partBuf[:0]
		if cap(buf) == 0 {
			buf = make([]byte, 0, SnapshotPartBytes+SnapshotPartBytes/8)
		}
		s.partBuf = nil // until the part is stored, w.staged holds it
		w.staged, w.last = w.enc.Next(buf, SnapshotPartBytes)
	}
	b.putOwned(partKey(idx, w.parts), w.staged)
	done := w.last
	var compactTo uint64
	if done {
		b.Put(keySnapshot, marshal(&raftpb.Snapshot{Metadata: w.meta}))
		b.Put(keySnapParts, binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, idx), w.parts+1))
		b.DeleteRange(partKey(0, 0), partKey(idx, 0))
		if first, _ := s.mem.FirstIndex(); s.pendingCompact >= first {
			compactTo = min(s.pendingCompact, idx)
			if chunks, err = s.compactOps(b, chunks, compactTo); err != nil {
				return nil, nil, err
			}
		}
	}
	return chunks, func() {
		if cap(w.staged) <= maxKeptBuffer {
			s.partBuf = w.staged[:0] // stored: the medium kept a copy
		}
		w.staged, w.parts = nil, w.parts+1
		s.writer = w
		if !done {
			return
		}
		s.writer, s.snapIndex, s.parts = nil, idx, true
		if s.lazyIndex == idx {
			s.lazyData = nil // stored: Snapshot encodes the view again if raft asks
		}
		if compactTo > 0 {
			if s.pendingCompact <= idx {
				s.pendingCompact = 0
			}
			// The mirror's first index follows the medium's; an
			// error here means the mirror already moved past it.
			_ = s.mem.Compact(compactTo)
		}
	}, nil
}

// loadSnapshotParts fills snap.Data from its parts when "t" says it is
// stored in parts.
func (s *RaftStorage) loadSnapshotParts(snap *raftpb.Snapshot) error {
	v, err := s.ns.Get(keySnapParts)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(v) != 16 {
		return s.corrupt(keySnapParts, "snapshot parts record is %d bytes, want 16", len(v))
	}
	idx, n := binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:])
	if idx != snap.Metadata.Index {
		return s.corrupt(keySnapParts, "snapshot parts are for index %d, the snapshot is at index %d", idx, snap.Metadata.Index)
	}
	var data []byte
	var next uint64
	err = s.ns.Scan(partKey(idx, 0), partKey(idx, n), func(k, v []byte) error {
		if len(k) != 17 || binary.BigEndian.Uint64(k[9:]) != next {
			return s.corrupt(k, "snapshot part out of order, expected part %d", next)
		}
		next++
		data = append(data, v...)
		return nil
	})
	if err != nil {
		return err
	}
	if next != n {
		return s.corrupt(partKey(idx, next), "snapshot part %d of %d missing", next, n)
	}
	snap.Data, s.parts = data, true
	return nil
}

package engine

import (
	"context"
	"errors"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// KeyHistory is one member's stored history of a key, for the MVCC panel:
// its revisions newest first (puts and tombstones), at most the limit
// asked, More if older ones were left out; Revision and Compacted are the
// member's store revision and compacted revision.
type KeyHistory struct {
	Member              uint64
	Revisions           []mvcc.KeyRevision
	More                bool
	Revision, Compacted int64
}

// MaxKeyHistory bounds the revisions one KeyHistory call returns.
const MaxKeyHistory = 1000

// Historian is an Engine that reads a key's history from one member's
// local store (no raft round, as a serializable read; a member that is
// down answers an error). app/engine/local's engines and a Client's
// implement it. limit is capped at MaxKeyHistory (<= 0: MaxKeyHistory).
type Historian interface {
	KeyHistory(ctx context.Context, member uint64, key []byte, limit int) (KeyHistory, error)
}

// errNoHistory answers KeyHistory on an engine that cannot read one.
var errNoHistory = errors.New("this engine cannot read a key's history")

// OpKeyHistory carries Member, Key and the limit in N; Response.History
// answers it.

func (r *remote) KeyHistory(ctx context.Context, member uint64, key []byte, limit int) (KeyHistory, error) {
	p, err := r.c.call(ctx, &Request{Op: OpKeyHistory, Member: member, Key: key, N: int64(limit)})
	if err != nil {
		return KeyHistory{}, err
	}
	if p.History == nil {
		return KeyHistory{}, errNoHistory
	}
	return *p.History, nil
}

func writeKeyHistory(w *wbuf, h *KeyHistory) {
	if h == nil {
		w.bool(false)
		return
	}
	w.bool(true)
	w.u(h.Member)
	w.bool(h.More)
	w.i(h.Revision)
	w.i(h.Compacted)
	w.u(uint64(len(h.Revisions)))
	for i := range h.Revisions {
		k := &h.Revisions[i]
		w.i(k.Revision)
		w.i(k.Sub)
		w.i(k.CreateRevision)
		w.i(k.Version)
		w.i(k.Lease)
		w.bytes(k.Value)
		w.bool(k.Tombstone)
	}
}

func readKeyHistory(r *rbuf) *KeyHistory {
	if !r.bool() {
		return nil
	}
	h := &KeyHistory{Member: r.u(), More: r.bool(), Revision: r.i(), Compacted: r.i()}
	if n := r.count(7); n > 0 {
		h.Revisions = make([]mvcc.KeyRevision, n)
		for i := range h.Revisions {
			h.Revisions[i] = mvcc.KeyRevision{Revision: r.i(), Sub: r.i(), CreateRevision: r.i(), Version: r.i(),
				Lease: r.i(), Value: r.bytes(), Tombstone: r.bool()}
		}
	}
	return h
}

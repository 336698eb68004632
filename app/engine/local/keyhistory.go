package local

import (
	"context"

	"github.com/etcd-play/etcd-play/app/engine"
)

var _ engine.Historian = (*clusterEngine)(nil)

// KeyHistory implements engine.Historian over cluster.KeyHistory.
func (e *clusterEngine) KeyHistory(ctx context.Context, member uint64, key []byte, limit int) (engine.KeyHistory, error) {
	if limit <= 0 || limit > engine.MaxKeyHistory {
		limit = engine.MaxKeyHistory
	}
	h, err := e.Cluster.KeyHistory(member, key, limit)
	if err != nil {
		return engine.KeyHistory{}, err
	}
	return engine.KeyHistory{Member: h.Member, Revisions: h.Revisions, More: h.More, Revision: h.Revision, Compacted: h.Compacted}, nil
}

// KeyHistory implements engine.Historian: ErrStopped once stopped.
func (e *durableEngine) KeyHistory(ctx context.Context, member uint64, key []byte, limit int) (engine.KeyHistory, error) {
	if err := e.Stopped(); err != nil {
		return engine.KeyHistory{}, err
	}
	return e.clusterEngine.KeyHistory(ctx, member, key, limit)
}

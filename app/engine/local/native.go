package local

import (
	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/cluster"
)

// StartNative is the native engine's Starter (serve -engine=native, behind
// Shared): the cluster req asks for (size, seed, speed; 0 for the
// defaults) with the page's configuration, on durable's in-memory medium
// (there is no native disk medium: the cluster lives as long as the
// server), booted to its first leader. req.Mode and req.Embed are ignored:
// there is no tab lock to share.
func StartNative(req engine.StartRequest) (engine.Engine, error) {
	cfg := cluster.Config{Members: req.Members, Seed: req.Seed, SnapshotCount: PageSnapshotCount, CatchUpCount: PageCatchUpCount}
	if cfg.Members == 0 {
		cfg.Members = engine.DefaultMembers
	}
	if cfg.Seed == 0 {
		cfg.Seed = engine.DefaultSeed
	}
	eng, err := NewDurableEngine(cfg, req.Speed, engine.StartInMemory)
	if err != nil {
		return nil, err
	}
	// The in-memory mode's notice speaks of another tab; here memory is
	// simply where the server keeps the cluster ("Storage: memory only").
	e := eng.(*durableEngine)
	e.mu.Lock()
	e.info.Notice = ""
	e.mu.Unlock()
	BootToLeader(eng, 100)
	return eng, nil
}

// The page's raft snapshot cadence (see main's newEngine): a snapshot every
// PageSnapshotCount applied entries, keeping PageCatchUpCount for slow
// followers.
const (
	PageSnapshotCount = 1000
	PageCatchUpCount  = 500
)

package local

import (
	"errors"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/cluster"
)

// Start is the shipped engine.Starter: the cluster a page asks for, on the
// browser's storage (IndexedDB natively falls back to memory), ticking in
// real time, with its first leader elected at once (BootToLeader).
//
// A raft snapshot serialises a member's whole store, so the cluster takes
// one every 1,000 applied entries (keeping 500 for slow followers) rather
// than the engine's demo default of 100: under the heaviest stress the
// page allows, snapshots at 100 took a third of the thread (Chromium
// profile, 100 puts per tick at 200 ticks/s).
//
// An embedded page (req.Embed) never waits for a choice it does not
// offer: when another tab or frame holds its stored cluster (the same docs
// page embedding it twice, or open in two tabs), it runs a separate
// cluster in memory, and its bar says so.
func Start(req engine.StartRequest) (engine.Engine, error) {
	set := engine.DefaultPageSettings()
	if req.Settings != nil {
		set = *req.Settings
	}
	if err := set.Validate(); err != nil {
		return nil, err
	}
	cfg := cluster.Config{Members: req.Members, Seed: req.Seed}.WithSettings(set)
	mode := req.Mode
	if req.Memory {
		mode = engine.StartMemoryChosen
	}
	eng, err := NewDurableEngine(cfg, req.Speed, mode)
	if errors.Is(err, engine.ErrOpenElsewhere) && req.Embed {
		eng, err = NewDurableEngine(cfg, req.Speed, engine.StartInMemory)
	}
	if err == nil {
		BootToLeader(eng, 100) // the first election without its real-time wait
	}
	return eng, err
}

package local

import (
	"context"
	"errors"
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"
	"strings"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/etcd-play/etcd-play/node/durable"
)

func TestLoadMetaBumpsEpochAndKeepsConfig(t *testing.T) {
	disk := durable.NewMemDisk()
	for load := uint64(1); load <= 3; load++ {
		db := durable.NewMemory(disk)
		cfg := cluster.Config{Members: 3, Seed: 9}
		if load > 1 {
			cfg = cluster.Config{Members: 7, Seed: 1} // the stored cluster's size and seed win
		}
		epoch, resumed, err := loadMeta(db, &cfg)
		if err != nil {
			t.Fatal(err)
		}
		if epoch != load || resumed != (load > 1) || cfg.Members != 3 || cfg.Seed != 9 {
			t.Fatalf("load %d: epoch %d resumed %v members %d seed %d", load, epoch, resumed, cfg.Members, cfg.Seed)
		}
		db.Close()
	}
}

func TestStoreName(t *testing.T) {
	for _, c := range []struct {
		cfg  cluster.Config
		want string
	}{
		{cluster.Config{Seed: 1}, "etcd-play"},
		{cluster.Config{Members: 5, Seed: 1}, "etcd-play"},
		{cluster.Config{Members: 3, Seed: 1}, "etcd-play-3m-seed1"},
		{cluster.Config{Members: 5, Seed: -4}, "etcd-play-5m-seed-4"},
	} {
		if got := storeName(c.cfg); got != c.want {
			t.Errorf("storeName(%+v) = %q, want %q", c.cfg, got, c.want)
		}
	}
}

// Natively there is no IndexedDB: the engine runs in memory and says so.
func TestDurableEngineWithoutIndexedDB(t *testing.T) {
	e, err := NewDurableEngine(cluster.Config{Members: 3, Seed: 42}, 100, engine.StartShared)
	if err != nil {
		t.Fatal(err)
	}
	se := e.(engine.Storage)
	defer se.ResetAll()
	if v := se.Storage(); v.Medium != "memory" || v.Persistent || !strings.Contains(v.Notice, "will not survive a reload") || v.Epoch != 1 {
		t.Fatalf("storage without IndexedDB: %+v", v)
	}
}

// With a stand-in for IndexedDB (a memory disk shared by the "tabs") and
// the in-process tab lock: a second tab is refused, may run in memory, or
// take over, which stops the first; a later load resumes the cluster.
func TestDurableEngineTabs(t *testing.T) {
	disk := durable.NewMemDisk()
	saved := openIDB
	openIDB = func(string) (*durable.DB, error) { return durable.NewMemory(disk), nil }
	defer func() { openIDB = saved }()

	cfg := cluster.Config{Members: 3, Seed: 42}
	first, err := NewDurableEngine(cfg, 100, engine.StartShared)
	if err != nil {
		t.Fatal(err)
	}
	fe := first.(*durableEngine)
	defer fe.ResetAll()
	if v := fe.Storage(); v.Medium != "indexeddb" || v.Epoch != 1 || v.Resumed {
		t.Fatalf("first engine's storage: %+v", v)
	}
	if _, err := NewDurableEngine(cfg, 100, engine.StartShared); !errors.Is(err, engine.ErrOpenElsewhere) {
		t.Fatalf("second engine, shared: %v, want engine.ErrOpenElsewhere", err)
	}
	mem, err := NewDurableEngine(cfg, 100, engine.StartInMemory)
	if err != nil {
		t.Fatal(err)
	}
	if v := mem.(engine.Storage).Storage(); v.Medium != "memory" || !strings.Contains(v.Notice, "separate in-memory cluster") {
		t.Fatalf("separate engine's storage: %+v", v)
	}
	mem.(engine.Storage).ResetAll()

	second, err := NewDurableEngine(cfg, 100, engine.StartTakeOver)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-fe.stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the first engine did not stop after the take-over")
	}
	if !fe.Storage().Lost || !fe.Paused() {
		t.Fatalf("the taken-over engine: lost %v, paused %v", fe.Storage().Lost, fe.Paused())
	}
	if v := second.(engine.Storage).Storage(); v.Epoch != 2 || !v.Resumed {
		t.Fatalf("taking over: %+v, want the stored cluster at load 2", v)
	}
	second.(engine.Storage).ResetAll()
}

// A page whose origin is opaque (a frame sandboxed without
// allow-same-origin) never asks for the tab lock or IndexedDB, which the
// browser refuses there for good: it runs in memory at once and says why,
// naming what the embedding page can add.
func TestDurableEngineInOpaqueOrigin(t *testing.T) {
	opened := 0
	savedIDB, savedOpaque := openIDB, opaqueOrigin
	openIDB = func(string) (*durable.DB, error) { opened++; return durable.NewMemory(durable.NewMemDisk()), nil }
	opaqueOrigin = func() bool { return true }
	defer func() { openIDB, opaqueOrigin = savedIDB, savedOpaque }()

	e, err := Start(engine.StartRequest{Members: 3, Seed: 42, Speed: 100, Embed: true})
	if err != nil {
		t.Fatal(err)
	}
	se := e.(engine.Storage)
	defer se.ResetAll()
	v := se.Storage()
	if v.Medium != "memory" || v.Persistent || opened != 0 ||
		!strings.Contains(v.Notice, "sandboxed") || !strings.Contains(v.Notice, "allow-same-origin") {
		t.Fatalf("storage in an opaque origin: %+v (IndexedDB opened %d times)", v, opened)
	}
	var leader uint64
	for _, m := range e.Status() {
		leader = max(leader, m.Leader)
	}
	if _, err := e.Put(context.Background(), leader, []byte("k"), []byte("v")); err != nil {
		t.Fatalf("a put on the in-memory cluster: %v", err)
	}
}

// IndexedDB that is there but fails to open (its upgrade aborted) is a
// storage failure the page offers memory or a reset for, and the tab lock
// is left free; IndexedDB that is missing or blocked (ErrUnavailable) runs
// the cluster in memory with a notice, as before.
func TestDurableEngineOpenFailsOrUnavailable(t *testing.T) {
	saved := openIDB
	defer func() { openIDB = saved }()
	cfg := cluster.Config{Members: 3, Seed: 42}

	openIDB = func(name string) (*durable.DB, error) {
		return nil, fmt.Errorf("durable: opening IndexedDB %q: its upgrade failed: AbortError", name)
	}
	for i := 0; i < 2; i++ { // the second: the first released the lock
		_, err := NewDurableEngine(cfg, 100, engine.StartShared)
		var failure *engine.StorageFailure
		if !errors.As(err, &failure) || !strings.Contains(failure.Error(), "upgrade failed") {
			t.Fatalf("load %d with the open failing: %v, want a StorageFailure saying why", i+1, err)
		}
	}

	openIDB = func(string) (*durable.DB, error) {
		return nil, fmt.Errorf("%w: indexedDB.open: SecurityError", durable.ErrUnavailable)
	}
	e, err := NewDurableEngine(cfg, 100, engine.StartShared)
	if err != nil {
		t.Fatal(err)
	}
	defer e.(engine.Storage).ResetAll()
	if v := e.(engine.Storage).Storage(); v.Medium != "memory" || !strings.Contains(v.Notice, "IndexedDB is unavailable") {
		t.Fatalf("storage with IndexedDB unavailable: %+v", v)
	}
}

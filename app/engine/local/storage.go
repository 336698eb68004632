package local

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"
	"runtime/debug"
	"sync"
	"time"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/etcd-play/etcd-play/node/durable"
)

// The page's durable cluster: members on IndexedDB (node/durable), one tab
// at a time (a Web Lock), resumed on every load. When IndexedDB cannot be
// used the cluster runs on durable's in-memory medium and the page says that
// its data will not survive a reload.

// StoreName names the IndexedDB database and the Web Lock of the page's
// default cluster (five members, seed 1); storeName names the others.
const StoreName = "etcd-play"

// storeName is the database and lock name of a cluster of that size and
// seed: a page whose URL asks for another size or seed (embed.go) keeps its
// own stored cluster instead of resuming the default one.
func storeName(cfg cluster.Config) string {
	if (cfg.Members == 0 || cfg.Members == engine.DefaultMembers) && cfg.Seed == engine.DefaultSeed {
		return StoreName
	}
	return fmt.Sprintf("%s-%dm-seed%d", StoreName, cfg.Members, cfg.Seed)
}

// durableEngine is the shipped engine with storage: clusterEngine over
// members on a durable.DB.
type durableEngine struct {
	*clusterEngine
	name string // database and lock name
	db   *durable.DB
	lock *durable.TabLock // nil for an in-memory medium
	// deleteStored: ResetAll also deletes the stored cluster that failed
	// to load (StartInMemoryAfterFailure).
	deleteStored bool

	mu      sync.Mutex
	info    engine.StorageView // without Disk, which Storage reads live
	stopped chan struct{}      // closed once a take-over by another tab stopped this one
	stopCtx context.Context    // ends when stopped closes (storage_stopped.go)
	stop    func()
}

var _ engine.Storage = (*durableEngine)(nil)

// NewDurableEngine opens the page's storage as mode says, starts (or
// resumes) the cluster on it (with the page's auto-compaction unless cfg
// sets its own) and a driver ticking it at ticksPerSecond,
// playing. Each size and seed has its own stored cluster (storeName);
// cfg.Epoch is taken from the storage and bumped on every load. It waits
// for the browser: call it from a goroutine, never from a js.FuncOf
// callback. Errors: ErrOpenElsewhere (StartShared while another tab holds
// the cluster), or the storage or cluster failing to open.
func NewDurableEngine(cfg cluster.Config, ticksPerSecond float64, mode engine.StartMode) (engine.Engine, error) {
	start := time.Now()
	name := storeName(cfg)
	db, lock, info, err := openMedium(name, mode)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (engine.Engine, error) {
		db.Close()
		if lock != nil {
			lock.Release()
		}
		return nil, err
	}
	if info.Epoch, info.Resumed, err = loadMeta(db, &cfg); err != nil {
		if db.Persistent() {
			err = storageFailure(name, err)
		}
		return fail(err)
	}
	cfg.Epoch = info.Epoch
	cfg.NewStorage = cluster.OnDisk(db)
	// A resumed cluster serves once a quorum has loaded; the other members
	// load one per tick a little later (cluster.Config.LoadQuorumFirst).
	cfg.LoadQuorumFirst = info.Resumed
	c, err := loadCluster(withPageCompaction(cfg))
	if err != nil {
		return fail(err)
	}
	info.LoadTime = time.Since(start)
	loaded := 0 // a resumed cluster loads a quorum now, the others a few ticks later
	for _, m := range c.Inspect() {
		if m.Up {
			loaded++
		}
	}
	fmt.Printf("etcd-play: %s storage opened and %d members loaded in %v (of %d; epoch %d, resumed %v)\n",
		info.Medium, loaded, info.LoadTime.Round(time.Millisecond), cfg.Members, info.Epoch, info.Resumed)
	d := cluster.NewDriver(c, engine.ClampSpeed(ticksPerSecond))
	d.Play()
	e := &durableEngine{clusterEngine: &clusterEngine{Cluster: c, driver: d}, name: name, db: db, lock: lock, info: info,
		stopped: make(chan struct{})}
	if !info.Resumed {
		// A fresh cluster is recorded from its start; its replays run on
		// the in-memory medium (a durable run replays only on durable
		// storage: kills and restarts differ from MemoryStorage's).
		e.recordTimeline(withPageCompaction(cfg), func() func(uint64) (node.Storage, error) {
			return cluster.OnDisk(durable.NewMemory(nil))
		})
	}
	e.stopCtx, e.stop = context.WithCancel(context.Background())
	e.deleteStored = mode == engine.StartInMemoryAfterFailure
	if lock != nil {
		go e.watchLock()
	}
	return e, nil
}

// openMedium opens IndexedDB under the tab lock, or the in-memory medium
// (StartInMemory, or IndexedDB or Web Locks unavailable: then info.Notice
// says why).
func openMedium(name string, mode engine.StartMode) (*durable.DB, *durable.TabLock, engine.StorageView, error) {
	memory := func(notice string) (*durable.DB, *durable.TabLock, engine.StorageView, error) {
		return durable.NewMemory(nil), nil, engine.StorageView{Medium: "memory", Notice: notice}, nil
	}
	switch mode {
	case engine.StartInMemory:
		return memory("This is a separate in-memory cluster (the stored one is open in another tab or frame of this site): its data will not survive a reload.")
	case engine.StartMemoryChosen:
		return memory("")
	case engine.StartInMemoryAfterFailure:
		return memory("The browser's storage failed, so this cluster runs in memory from now on: its data will not survive a reload. " +
			"What was stored before is left as it was; reset the cluster to delete it.")
	}
	if opaqueOrigin() {
		// A frame sandboxed without allow-same-origin: the browser refuses
		// IndexedDB and Web Locks with a SecurityError, for good.
		return memory(sandboxedNotice)
	}
	lock, err := inTime("the tab lock (navigator.locks)", func() (*durable.TabLock, error) {
		return durable.LockTab(name, mode == engine.StartTakeOver)
	}, (*durable.TabLock).Release)
	switch {
	case errors.Is(err, durable.ErrLocked):
		return nil, nil, engine.StorageView{}, engine.ErrOpenElsewhere
	case errors.Is(err, durable.ErrUnavailable):
		return memory(fmt.Sprintf("Browser storage is unavailable (%v): the cluster runs in memory and its data will not survive a reload.", err))
	case err != nil: // refused or timed out: offer the choice
		return nil, nil, engine.StorageView{}, storageFailure(name, err)
	}
	var db *durable.DB
	if err = probeIndexedDB(); err == nil {
		db, err = inTime("IndexedDB", func() (*durable.DB, error) { return openIDB(name) }, func(db *durable.DB) { db.Close() })
	}
	if err != nil && !errors.Is(err, durable.ErrUnavailable) {
		// No answer in time, or the database failed to open (its open
		// request or upgrade failed or was aborted): offer the choice.
		lock.Release()
		return nil, nil, engine.StorageView{}, storageFailure(name, err)
	}
	if err != nil {
		lock.Release()
		return memory(fmt.Sprintf("IndexedDB is unavailable (%v): the cluster runs in memory and its data will not survive a reload.", err))
	}
	return db, lock, engine.StorageView{Medium: "indexeddb", Persistent: db.Persistent()}, nil
}

// sandboxedNotice is the storage notice of a page whose origin is opaque.
const sandboxedNotice = "This playground is in a frame sandboxed without allow-same-origin, which the browser gives no storage: " +
	"the cluster runs in memory and its data will not survive a reload (the embedding page can add allow-same-origin to the frame's sandbox)."

// storageTimeout bounds how long the page waits for the browser to grant
// the tab lock and to open IndexedDB (each answers in milliseconds when it
// works); tests shorten it.
var storageTimeout = 8 * time.Second

var errTimedOut = errors.New("no answer")

// inTime runs open, waiting at most storageTimeout; on a time-out the error
// wraps errTimedOut, and should open still succeed later, undo releases
// what it opened.
func inTime[T any](what string, open func() (T, error), undo func(T)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result) // unbuffered: a late result goes to undo
	late := make(chan struct{})
	go func() {
		v, err := open()
		select {
		case ch <- result{v, err}:
		case <-late:
			if err == nil {
				undo(v)
			}
		}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(storageTimeout):
		close(late)
		var zero T
		return zero, fmt.Errorf("%s: %w within %v", what, errTimedOut, storageTimeout)
	}
}

// openIDB opens the named IndexedDB database; tests replace it.
var openIDB = func(name string) (*durable.DB, error) { return durable.OpenIndexedDB(name, durable.IDBOptions{}) }

// The page's own records live in namespace metaNamespace: "epoch" (8-byte
// big-endian count of loads) and "config" (JSON storedConfig).
const metaNamespace = "playground"

type storedConfig struct {
	Members int   `json:"members"`
	Seed    int64 `json:"seed"`
}

// loadMeta bumps the stored load count and returns it, and makes cfg use
// the stored cluster's member count and seed (storing cfg's for a new
// cluster). resumed reports whether a cluster was stored. A corrupt meta
// record is replaced: it only guards request IDs, and the members' own
// records are checked separately.
func loadMeta(db *durable.DB, cfg *cluster.Config) (epoch uint64, resumed bool, err error) {
	ns, err := db.Open(metaNamespace)
	if err != nil {
		return 0, false, err
	}
	defer ns.Close()
	if v, err := ns.Get([]byte("epoch")); err == nil && len(v) == 8 {
		epoch = binary.BigEndian.Uint64(v)
	}
	if v, err := ns.Get([]byte("config")); err == nil {
		var sc storedConfig
		if json.Unmarshal(v, &sc) == nil && sc.Members > 0 {
			cfg.Members, cfg.Seed, resumed = sc.Members, sc.Seed, true
		}
	}
	if cfg.Members == 0 {
		cfg.Members = 5
	}
	epoch++
	var b durable.Batch
	b.Put([]byte("epoch"), binary.BigEndian.AppendUint64(nil, epoch))
	sc, _ := json.Marshal(storedConfig{Members: cfg.Members, Seed: cfg.Seed})
	b.Put([]byte("config"), sc)
	if err := ns.Write(&b); err != nil {
		return 0, false, fmt.Errorf("saving the cluster's load count: %w", err)
	}
	return epoch, resumed, nil
}

// watchLock stops this tab's cluster at once when another tab takes it
// over: every member's disk is cut (no write of this tab lands after the
// other tab's), the driver stops, and the database connection closes (an
// open connection would block the other tab's reset from deleting it).
func (e *durableEngine) watchLock() {
	<-e.lock.Lost()
	e.stopForGood()
}

// stopForGood is watchLock's stop (storage_stopped.go says what a stopped
// engine answers). Once only.
func (e *durableEngine) stopForGood() {
	e.Cluster.KillAllPowerLoss()
	e.driver.Pause()
	e.db.Close()
	e.mu.Lock()
	e.info.Lost = true
	e.mu.Unlock()
	close(e.stopped)
	e.stop()
}

// Storage implements storageEngine.
func (e *durableEngine) Storage() engine.StorageView {
	e.mu.Lock()
	v := e.info
	e.mu.Unlock()
	for _, d := range e.Cluster.DiskErrors() {
		v.Disk = append(v.Disk, engine.DiskErrorView{Member: d.Member, Corrupt: d.Corrupt, Quota: d.Quota, Err: d.Err})
	}
	return v
}

// ResetAll implements storageEngine.
func (e *durableEngine) ResetAll() error {
	if err := e.Stopped(); err != nil {
		return err
	}
	e.driver.Close()
	e.stopTimeline()
	e.Cluster.KillAllPowerLoss()
	e.db.Close()
	var err error
	if e.db.Persistent() || e.deleteStored {
		err = durable.DeleteIndexedDB(e.name)
	}
	if e.lock != nil {
		e.lock.Release()
	}
	return err
}

// loadCluster runs cluster.New with the garbage collector off. Loading
// members from storage allocates their stores, which all stay live: a GC
// cycle during the load marks a growing heap and frees nothing, and under
// js/wasm each cycle runs on the page's only thread (about 110-250 ms per
// cycle over a 30-130 MB heap with 100,000 keys, measured in the reload
// benchmark). The previous setting is back as soon as New returns; the
// heap is then at most what one load allocates, which the default pacing
// would also have let it reach (its goal is twice the live heap).
func loadCluster(cfg cluster.Config) (*cluster.Cluster, error) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	return cluster.New(cfg)
}

// storageFailure reports that the stored cluster name failed to load, with
// the way to delete it.
func storageFailure(name string, err error) *engine.StorageFailure {
	return &engine.StorageFailure{Name: name, Err: err, Reset: func() error { return durable.DeleteIndexedDB(name) }}
}

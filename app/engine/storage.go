package engine

import (
	"errors"
	"time"
)

// What a client is told about the cluster's storage, and how it asks the
// engine to open it. Implemented by app/engine/local (IndexedDB, the tab
// lock, the in-memory fallback) and carried by the protocol.

// StartMode says how the engine opens the cluster's storage.
type StartMode int

const (
	// StartShared takes the tab lock and resumes the stored cluster; it
	// fails with ErrOpenElsewhere when another tab holds it.
	StartShared StartMode = iota
	// StartTakeOver takes the lock from the other tab (which stops at
	// once) and resumes the stored cluster.
	StartTakeOver
	// StartInMemory runs a separate cluster in memory, leaving the stored
	// one to the other tab.
	StartInMemory
	// StartInMemoryAfterFailure runs a cluster in memory after the stored
	// one failed to load (a StorageFailure), leaving what is stored as it is.
	StartInMemoryAfterFailure
	// StartMemoryChosen runs the cluster in memory because the person
	// chose it (StartRequest.Memory), leaving what is stored as it is.
	StartMemoryChosen
)

// ErrOpenElsewhere: another tab of the site runs the stored cluster.
var ErrOpenElsewhere = errors.New("the cluster is open in another tab")

// ErrStopped: another tab took the cluster over; this tab's copy stopped.
var ErrStopped = errors.New("this tab stopped: another tab took the cluster over (take it back or reload the page)")

// StorageFailure: the browser's storage failed for the whole cluster while
// it loaded (the storage answered with an error, or not in time). The page
// offers to go on in memory (StartInMemoryAfterFailure) or to delete the
// stored cluster (ResetStored) and reload.
type StorageFailure struct {
	Name string // the database and lock name
	Err  error
	// Reset deletes the stored cluster named Name; it waits for the
	// browser. Set by whoever returns the failure.
	Reset func() error
}

func (f *StorageFailure) Error() string { return "the browser's storage failed: " + f.Err.Error() }
func (f *StorageFailure) Unwrap() error { return f.Err }

// ResetStored deletes the stored cluster; it waits for the browser.
func (f *StorageFailure) ResetStored() error {
	if f.Reset == nil {
		return errors.New("this engine cannot delete the stored cluster")
	}
	return f.Reset()
}

// StorageView is what the page shows about the cluster's storage.
type StorageView struct {
	Medium     string // "indexeddb" or "memory"
	Persistent bool   // data survives a reload
	Notice     string // why the data is not persistent; "" when it is
	Resumed    bool   // the cluster was loaded from stored data
	Epoch      uint64 // loads of this storage so far (1 for a new one)
	// LoadTime is how long opening the storage and loading every member
	// took (the members' stores restored from their snapshots and logs).
	LoadTime time.Duration
	Lost     bool // another tab took the cluster over: this one stopped
	Disk     []DiskErrorView
}

// DiskErrorView is a member's storage failure (cluster.DiskError).
type DiskErrorView struct {
	Member         uint64
	Corrupt, Quota bool
	Err            string
}

// Storage is the part of an engine the storage controls use; only an
// engine with storage has it (tests' fake engines need not).
type Storage interface {
	Storage() StorageView
	KillPowerLoss(id uint64) error
	KillAllPowerLoss()
	WipeMember(id uint64) error
	// ResetAll stops the cluster and deletes everything it stored; the
	// page reloads afterwards to start a new one.
	ResetAll() error
}

// Stoppable is an engine that another tab can stop: Stopped returns
// ErrStopped once it is, nil before.
type Stoppable interface{ Stopped() error }

// The default cluster: five members, seed 1, 20 ticks per second (with
// the default election timeout of 10 ticks an election after a leader's
// loss takes 0.5 to 1 s, close to etcd's defaults of a 100 ms heartbeat and
// 1 s election timeout; the first, at boot, 0.1 to 0.55 s, as a booting
// member advances its election clock 8 ticks).
const (
	DefaultMembers = 5
	DefaultSeed    = 1
	DefaultSpeed   = 20
	// MaxSpeed bounds the tick rate a client may set (ticks per second).
	MaxSpeed = 1000.0
)

// ClampSpeed maps a requested tick rate into (0, MaxSpeed]; <= 0 (or NaN)
// means DefaultSpeed.
func ClampSpeed(tps float64) float64 {
	if !(tps > 0) {
		return DefaultSpeed
	}
	return min(tps, MaxSpeed)
}

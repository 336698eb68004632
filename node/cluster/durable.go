package cluster

import (
	"errors"
	"fmt"
	"sync"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/durable"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// OnDisk returns a Config.NewStorage that keeps member id's raft state in
// namespace MemberNamespace(id) of db (IndexedDB in the browser,
// durable.NewMemory natively and as the browser's fallback). A member whose
// stored state is corrupt does not fail New: it stays down, reported by
// DiskErrors and the event log, until WipeMember and Restart.
//
// With it the cluster gains what durable storage allows: Kill is a clean
// stop (the member's namespace is closed after its last save), KillPowerLoss
// abandons the save in flight, Restart reloads the member from what the
// medium holds, and WipeMember deletes a down member's data.
func OnDisk(db *durable.DB) func(id uint64) (node.Storage, error) {
	return func(id uint64) (node.Storage, error) {
		d := &disk{db: db, name: MemberNamespace(id)}
		if err := d.open(); err != nil && !errors.Is(err, durable.ErrCorrupt) {
			return nil, err
		}
		return d, nil
	}
}

// MemberNamespace is the durable namespace of member id: "member-<id>".
func MemberNamespace(id uint64) string { return fmt.Sprintf("member-%d", id) }

// disk is one member's storage on a durable.DB: a *durable.RaftStorage, or,
// while the stored state is corrupt, nothing (every method fails with the
// corruption, so node.New refuses to start the member).
//
// Concurrency: st and err change only in open and wipe, which the cluster
// calls at tick boundaries (c.mu held, member stopped); the member reads
// them during its rounds and Status under c.mu. mu orders those changes
// against kill, the one method called from any goroutine.
type disk struct {
	db   *durable.DB
	name string

	mu      sync.Mutex
	st      *durable.RaftStorage // nil while err is a corruption
	err     error                // why st is nil
	lastErr error                // the last failed write (ErrQuota, ErrKilled, ...); nil after a restart
}

var (
	_ node.Storage         = (*disk)(nil)
	_ node.ViewSnapshotter = (*disk)(nil)
)

// open loads the member's state: first from a fresh namespace handle, later
// by reopening the current one (rebuilding the in-memory view from exactly
// what the medium holds). On corruption st is nil and err says why.
func (d *disk) open() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lastErr = nil
	if d.st != nil {
		if err := d.st.Reopen(); err != nil {
			d.st, d.err = nil, err
			return err
		}
		return nil
	}
	ns, err := d.db.Open(d.name)
	if err != nil {
		d.err = err
		return err
	}
	st, err := durable.OpenRaftStorage(ns)
	if err != nil {
		ns.Close()
		d.err = err
		return err
	}
	d.st, d.err = st, nil
	return nil
}

// close is a clean stop: it waits for a save in flight.
func (d *disk) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.st != nil {
		d.st.Close()
	}
}

// kill is power loss: a save in flight is abandoned. Safe from any goroutine.
func (d *disk) kill() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.st != nil {
		d.st.Kill()
	}
}

// wipe deletes everything the member stored and leaves it empty: its next
// start bootstraps it as a member with no log, no vote and no data.
func (d *disk) wipe() error {
	d.mu.Lock()
	if d.st != nil {
		d.st.Close()
		d.st = nil
	}
	d.err = errors.New("wiped, not reopened yet")
	err := d.db.Wipe(d.name)
	d.mu.Unlock()
	if err != nil {
		return err
	}
	return d.open()
}

// problem is what keeps the member from running on this disk: a corruption
// found when loading, or the last failed write. nil when healthy.
func (d *disk) problem() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.st == nil {
		return d.err
	}
	return d.lastErr
}

func (d *disk) failed(err error) error {
	if err != nil {
		d.mu.Lock()
		d.lastErr = err
		d.mu.Unlock()
	}
	return err
}

func (d *disk) unusable() error {
	return fmt.Errorf("member storage %s unusable: %w", d.name, d.err)
}

// InitialState implements raft.Storage.
func (d *disk) InitialState() (raftpb.HardState, raftpb.ConfState, error) {
	if d.st == nil {
		return raftpb.HardState{}, raftpb.ConfState{}, d.unusable()
	}
	return d.st.InitialState()
}

// Entries implements raft.Storage.
func (d *disk) Entries(lo, hi, maxSize uint64) ([]raftpb.Entry, error) {
	if d.st == nil {
		return nil, d.unusable()
	}
	return d.st.Entries(lo, hi, maxSize)
}

// Term implements raft.Storage.
func (d *disk) Term(i uint64) (uint64, error) {
	if d.st == nil {
		return 0, d.unusable()
	}
	return d.st.Term(i)
}

// LastIndex implements raft.Storage.
func (d *disk) LastIndex() (uint64, error) {
	if d.st == nil {
		return 0, d.unusable()
	}
	return d.st.LastIndex()
}

// FirstIndex implements raft.Storage.
func (d *disk) FirstIndex() (uint64, error) {
	if d.st == nil {
		return 0, d.unusable()
	}
	return d.st.FirstIndex()
}

// Snapshot implements raft.Storage.
func (d *disk) Snapshot() (raftpb.Snapshot, error) {
	if d.st == nil {
		return raftpb.Snapshot{}, d.unusable()
	}
	return d.st.Snapshot()
}

// Save implements node.Storage.
func (d *disk) Save(st raftpb.HardState, ents []raftpb.Entry, snap raftpb.Snapshot) error {
	if d.st == nil {
		return d.unusable()
	}
	return d.failed(d.st.Save(st, ents, snap))
}

// CreateSnapshot implements node.Storage.
func (d *disk) CreateSnapshot(i uint64, cs *raftpb.ConfState, data []byte) (raftpb.Snapshot, error) {
	if d.st == nil {
		return raftpb.Snapshot{}, d.unusable()
	}
	s, err := d.st.CreateSnapshot(i, cs, data)
	return s, d.failed(err)
}

// CreateSnapshotView implements node.ViewSnapshotter: the snapshot is
// recorded at once and written to the medium in parts by later Saves.
func (d *disk) CreateSnapshotView(i uint64, cs *raftpb.ConfState, v *mvcc.SnapshotView) error {
	if d.st == nil {
		return d.unusable()
	}
	return d.failed(d.st.CreateSnapshotView(i, cs, v))
}

// Compact implements node.Storage.
func (d *disk) Compact(i uint64) error {
	if d.st == nil {
		return d.unusable()
	}
	return d.failed(d.st.Compact(i))
}

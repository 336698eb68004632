package durable

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
)

// DB is one storage medium shared by the playground's members, each in its
// own Namespace. Create one with NewMemory or OpenIndexedDB.
type DB struct {
	b backend

	mu     sync.Mutex
	open   map[string]*Namespace // namespaces with a live handle
	closed bool

	// testHookIssued, if set, is called with the namespace once a batch is
	// in flight in the medium (tests use it to kill at that moment).
	testHookIssued func(ns string)
}

func newDB(b backend) *DB { return &DB{b: b, open: map[string]*Namespace{}} }

// Persistent reports whether data outlives the page (IndexedDB) or only the
// DB value (memory).
func (db *DB) Persistent() bool { return db.b.persistent() }

// Open returns the handle of namespace ns (one member's storage). At most one
// handle per namespace is live at a time: Open of a namespace whose handle
// is not yet closed or killed returns ErrInUse.
func (db *DB) Open(ns string) (*Namespace, error) {
	if ns == "" {
		return nil, errors.New("durable: empty namespace name")
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil, ErrClosed
	}
	if db.open[ns] != nil {
		return nil, fmt.Errorf("%w: %q", ErrInUse, ns)
	}
	n := &Namespace{db: db, name: ns, killed: make(chan struct{})}
	db.open[ns] = n
	return n, nil
}

// Wipe deletes every record of namespace ns ("wipe this member's data").
// The namespace must not be open.
func (db *DB) Wipe(ns string) error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return ErrClosed
	}
	if db.open[ns] != nil {
		db.mu.Unlock()
		return fmt.Errorf("%w: cannot wipe open namespace %q", ErrInUse, ns)
	}
	// Reserve the name so no Open races the wipe.
	n := &Namespace{db: db, name: ns, killed: make(chan struct{}), state: stateClosed}
	db.open[ns] = n
	db.mu.Unlock()
	defer db.release(n)
	return db.b.wipe(ns)
}

// Close closes every open namespace cleanly (waiting for their in-flight
// calls) and then the medium.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return nil
	}
	db.closed = true
	var open []*Namespace
	for _, n := range db.open {
		open = append(open, n)
	}
	db.mu.Unlock()
	for _, n := range open {
		n.Close()
	}
	return db.b.close()
}

func (db *DB) release(n *Namespace) {
	db.mu.Lock()
	if db.open[n.name] == n {
		delete(db.open, n.name)
	}
	db.mu.Unlock()
}

type nsState int

const (
	stateOpen nsState = iota
	stateKilled
	stateClosed
)

// Namespace is one member's storage: ordered binary keys, atomic batches.
// Its methods are safe for concurrent use; see the package doc for the
// browser's calling rule.
type Namespace struct {
	db   *DB
	name string

	mu       sync.Mutex
	state    nsState
	killed   chan struct{}  // closed by Kill
	inflight sync.WaitGroup // calls running in the medium
}

// Name is the namespace's name.
func (n *Namespace) Name() string { return n.name }

// enter registers a call; the caller must call n.inflight.Done.
func (n *Namespace) enter() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch n.state {
	case stateKilled:
		return ErrKilled
	case stateClosed:
		return ErrClosed
	}
	n.inflight.Add(1)
	return nil
}

// Write applies b atomically and returns once it is durable. On error
// nothing of b is applied, except with ErrKilled (see ErrKilled). An empty
// batch is a no-op.
func (n *Namespace) Write(b *Batch) error {
	if err := n.enter(); err != nil {
		return err
	}
	defer n.inflight.Done()
	if b == nil || len(b.ops) == 0 {
		return nil
	}
	var issued func()
	if h := n.db.testHookIssued; h != nil {
		issued = func() { h(n.name) }
	}
	err := n.db.b.write(n.name, b.ops, n.killed, issued)
	if err == nil && n.isKilled() {
		// Committed, but the caller was killed meanwhile: it must not act
		// on the acknowledgement (power loss happened first).
		return ErrKilled
	}
	return err
}

func (n *Namespace) isKilled() bool { return isClosed(n.killed) }

// isClosed reports whether ch is closed (a Namespace's killed channel).
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// Get returns the value stored under key, ErrNotFound, or a *CorruptError.
func (n *Namespace) Get(key []byte) ([]byte, error) {
	if err := n.enter(); err != nil {
		return nil, err
	}
	defer n.inflight.Done()
	if key == nil {
		key = []byte{}
	}
	rec, err := n.db.b.get(n.name, key)
	if err != nil {
		return nil, err
	}
	_, v, err := decodeRecord(n.name, key, rec)
	return v, err
}

// Scan calls fn with every (key, value) in [start, end), in key order (end
// nil: to the end of the namespace). fn may retain the slices. Scan stops at
// the first error from fn, which it returns, or at the first bad record,
// returning a *CorruptError; records before it have been passed to fn.
func (n *Namespace) Scan(start, end []byte, fn func(key, value []byte) error) error {
	if err := n.enter(); err != nil {
		return err
	}
	defer n.inflight.Done()
	if end != nil && bytes.Compare(start, end) >= 0 {
		return nil
	}
	var prev []byte
	return n.db.b.scan(n.name, start, end, func(rec []byte) error {
		k, v, err := decodeRecord(n.name, nil, rec)
		if err != nil {
			return err
		}
		// The medium orders by its own key; the record's key must agree.
		if bytes.Compare(k, start) < 0 || (end != nil && bytes.Compare(k, end) >= 0) || (prev != nil && bytes.Compare(k, prev) <= 0) {
			return &CorruptError{Namespace: n.name, Key: clone(k), Reason: "record stored out of key order (key does not match its slot)"}
		}
		prev = k
		return fn(k, v)
	})
}

// Kill is power loss: every batch in flight is abandoned (its Write returns
// ErrKilled; IndexedDB aborts its transaction if it has not committed yet),
// and every later call returns ErrKilled. Kill returns once the medium has
// settled, so reopening the namespace afterwards sees exactly what survived.
// Killing a closed or killed namespace does nothing.
func (n *Namespace) Kill() {
	n.mu.Lock()
	if n.state != stateOpen {
		n.mu.Unlock()
		return
	}
	n.state = stateKilled
	close(n.killed)
	n.mu.Unlock()
	n.inflight.Wait()
	n.db.release(n)
}

// Close is a clean stop: it waits for calls in flight to finish (their
// batches are stored), then releases the namespace so it can be reopened.
func (n *Namespace) Close() error {
	n.mu.Lock()
	if n.state != stateOpen {
		n.mu.Unlock()
		return nil
	}
	n.state = stateClosed
	n.mu.Unlock()
	n.inflight.Wait()
	n.db.release(n)
	return nil
}

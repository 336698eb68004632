package durable

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/google/btree"
	"time"
)

// MemDisk is an in-memory medium. It outlives the DBs opened on it, so a
// test can close a DB and open another on the same disk, as a page reload
// would with IndexedDB. Its controls (SetQuota, Stall, Release) let tests
// and the UI simulate a full disk and writes caught in flight by power loss.
type MemDisk struct {
	mu    sync.Mutex
	tree  *btree.BTreeG[memItem]
	used  int64         // sum of itemSize over tree
	quota int64         // 0: unlimited
	stall chan struct{} // non-nil while stalled; closed by Release
}

// memItem is one stored record: either rec, its stored form (a record
// written as one, opPutRecord), or val, the value a put wrote, whose
// record a read encodes (record). A put thus costs a copy of its value,
// not a checksum over it: in memory nothing can corrupt the bytes between
// the write and the read, and reads (a restart) are rare next to writes.
// Invariant: exactly one of rec, val is non-nil (an empty value is a
// non-nil empty slice); neither is modified once stored (reads hand out
// fresh records).
type memItem struct {
	ns            string
	key, rec, val []byte
}

// record returns the stored form of it, in a slice of its own.
func (it memItem) record() []byte {
	if it.rec != nil {
		return clone(it.rec)
	}
	return encodeRecord(it.ns, it.key, it.val)
}

func memLess(a, b memItem) bool {
	if a.ns != b.ns {
		return a.ns < b.ns
	}
	return bytes.Compare(a.key, b.key) < 0
}

// itemSize is the bytes SetQuota counts for it: namespace, key and the
// record's length (the same whether the record is encoded yet or not).
func itemSize(it memItem) int64 {
	n := len(it.rec)
	if it.rec == nil {
		n = recordSize(len(it.key), len(it.val))
	}
	return int64(len(it.ns) + len(it.key) + n)
}

// NewMemDisk returns an empty, unlimited disk.
func NewMemDisk() *MemDisk {
	return &MemDisk{tree: btree.NewG(32, memLess)}
}

// NewMemory opens a DB on disk (a fresh disk if nil).
func NewMemory(disk *MemDisk) *DB {
	if disk == nil {
		disk = NewMemDisk()
	}
	return newDB(&memBackend{d: disk})
}

// SetQuota limits the bytes stored (namespace + key + record, summed over
// records); a batch that would end above it fails with ErrQuota and changes
// nothing. 0 removes the limit. Lowering the quota below Used deletes
// nothing.
func (d *MemDisk) SetQuota(bytes int64) {
	d.mu.Lock()
	d.quota = bytes
	d.mu.Unlock()
}

// Used is the bytes stored, as counted by SetQuota.
func (d *MemDisk) Used() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.used
}

// Stall holds every later batch in flight (its Write blocks, nothing is
// applied) until Release, or until its namespace is killed, which drops it.
func (d *MemDisk) Stall() {
	d.mu.Lock()
	if d.stall == nil {
		d.stall = make(chan struct{})
	}
	d.mu.Unlock()
}

// Release lets stalled batches proceed, in no particular order.
func (d *MemDisk) Release() {
	d.mu.Lock()
	if d.stall != nil {
		close(d.stall)
		d.stall = nil
	}
	d.mu.Unlock()
}

type memBackend struct{ d *MemDisk }

func (m *memBackend) persistent() bool { return false }
func (m *memBackend) close() error     { return nil }

func (m *memBackend) write(ns string, ops []op, killed <-chan struct{}, issued func()) error {
	d := m.d
	d.mu.Lock()
	gate := d.stall
	d.mu.Unlock()
	if issued != nil {
		issued()
	}
	if gate != nil {
		t := time.NewTimer(CallTimeout)
		defer t.Stop()
		select {
		case <-gate:
		case <-killed:
			return ErrKilled
		case <-t.C:
			return noAnswer("write", ns) // nothing applied: the batch is dropped
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// Apply in order, remembering what each step replaced, so the batch
	// can be undone as a whole if it ends above the quota.
	type undo struct {
		it      memItem
		existed bool
	}
	var log []undo
	set := func(it memItem) {
		old, existed := d.tree.ReplaceOrInsert(it)
		d.used += itemSize(it)
		if existed {
			d.used -= itemSize(old)
			log = append(log, undo{old, true})
		} else {
			log = append(log, undo{memItem{ns: it.ns, key: it.key}, false})
		}
	}
	for _, o := range ops {
		switch o.kind {
		case opPut:
			set(memItem{ns: ns, key: o.key, val: append(make([]byte, 0, len(o.value)), o.value...)})
		case opPutRecord:
			set(memItem{ns: ns, key: o.key, rec: clone(o.value)})
		case opDeleteRange:
			for _, it := range m.rangeLocked(ns, o.key, o.end) {
				d.tree.Delete(it)
				d.used -= itemSize(it)
				log = append(log, undo{it, true})
			}
		default:
			panic(fmt.Sprintf("durable: unknown op kind %d", o.kind))
		}
	}
	if d.quota > 0 && d.used > d.quota {
		for i := len(log) - 1; i >= 0; i-- {
			u := log[i]
			if cur, ok := d.tree.Delete(u.it); ok {
				d.used -= itemSize(cur)
			}
			if u.existed {
				d.tree.ReplaceOrInsert(u.it)
				d.used += itemSize(u.it)
			}
		}
		return fmt.Errorf("%w (memory quota %d bytes)", ErrQuota, d.quota)
	}
	return nil
}

// rangeLocked returns the items of ns in [start, end), end nil: to the end
// of ns. d.mu must be held.
func (m *memBackend) rangeLocked(ns string, start, end []byte) []memItem {
	var out []memItem
	m.d.tree.AscendGreaterOrEqual(memItem{ns: ns, key: start}, func(it memItem) bool {
		if it.ns != ns || (end != nil && bytes.Compare(it.key, end) >= 0) {
			return false
		}
		out = append(out, it)
		return true
	})
	return out
}

func (m *memBackend) get(ns string, key []byte) ([]byte, error) {
	m.d.mu.Lock()
	defer m.d.mu.Unlock()
	it, ok := m.d.tree.Get(memItem{ns: ns, key: key})
	if !ok {
		return nil, ErrNotFound
	}
	return it.record(), nil
}

func (m *memBackend) scan(ns string, start, end []byte, fn func(rec []byte) error) error {
	// Iterate a copy-on-write snapshot so fn runs without the lock.
	m.d.mu.Lock()
	snap := m.d.tree.Clone()
	m.d.mu.Unlock()
	if start == nil {
		start = []byte{}
	}
	var err error
	snap.AscendGreaterOrEqual(memItem{ns: ns, key: start}, func(it memItem) bool {
		if it.ns != ns || (end != nil && bytes.Compare(it.key, end) >= 0) {
			return false
		}
		err = fn(it.record())
		return err == nil
	})
	return err
}

func (m *memBackend) wipe(ns string) error {
	m.d.mu.Lock()
	defer m.d.mu.Unlock()
	for _, it := range m.rangeLocked(ns, []byte{}, nil) {
		m.d.tree.Delete(it)
		m.d.used -= itemSize(it)
	}
	return nil
}

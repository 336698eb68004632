//go:build js

package durable

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"
)

// IndexedDB layout (the browser tests corrupt records through it):
//
//	database     the name given to OpenIndexedDB, version 1
//	object store "records", out-of-line keys
//	key          [namespace string, key as binary (Uint8Array / ArrayBuffer)]
//	value        the record bytes (record.go) as a Uint8Array
//
// IndexedDB orders array keys element-wise and any array after any binary
// key, so one namespace's keys are exactly the range [[ns], [ns, []]) and
// sort bytewise inside it.
const idbStore = "records"

// IDBOptions tunes OpenIndexedDB.
type IDBOptions struct {
	// Relaxed asks for "relaxed" transaction durability: "complete" may fire
	// before the data reaches the disk, which is faster but can lose
	// acknowledged batches if the machine (not just the tab) goes down. The
	// default is "strict", which the raft contract needs.
	Relaxed bool
}

// OpenIndexedDB opens (creating if needed) the IndexedDB database name in
// this page's origin. It returns an error wrapping ErrUnavailable when
// IndexedDB is missing or blocked (reading it or calling open throws); the
// caller may then fall back to NewMemory and must say that data will not
// survive a reload. When IndexedDB is there but the database fails to open
// (the open request or its upgrade fails or is aborted) the error does not
// wrap ErrUnavailable: the storage failed, and what was stored may still be
// there.
// It waits for IndexedDB events: do not call it from a js.FuncOf callback.
func OpenIndexedDB(name string, opt IDBOptions) (*DB, error) {
	factory, err := idbFactory()
	if err != nil {
		return nil, err
	}
	b, err := openIDB(factory, name, opt)
	if err != nil {
		return nil, err
	}
	return newDB(b), nil
}

// idbFactory returns globalThis.indexedDB; reading it throws a SecurityError
// in some sandboxed frames.
func idbFactory() (f js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: reading indexedDB: %v", ErrUnavailable, r)
		}
	}()
	return js.Global().Get("indexedDB"), nil
}

// DeleteIndexedDB deletes the whole database name ("reset cluster"). Every
// DB open on it must be closed first, or the deletion waits for them.
func DeleteIndexedDB(name string) error {
	factory, err := idbFactory()
	if err != nil {
		return err
	}
	if !factory.Truthy() {
		return fmt.Errorf("%w: indexedDB is not defined", ErrUnavailable)
	}
	var req js.Value
	if err := jsTry(func() { req = factory.Call("deleteDatabase", name) }); err != nil {
		return fmt.Errorf("%w: deleteDatabase: %v", ErrUnavailable, err)
	}
	_, err = awaitRequest(req)
	return err
}

type idbBackend struct {
	db      js.Value // IDBDatabase
	txOpts  js.Value // {durability: ...}
	onClose js.Func  // the onversionchange handler
	// Reopening after the browser closed the connection (idb_reopen_js.go):
	// mu guards db; closed is set by the connection's close event.
	factory        js.Value // indexedDB
	name           string
	mu             sync.Mutex
	closed         atomic.Bool
	onBrowserClose js.Func // the onclose handler
	// full: the last write failed with ErrQuota (the browser then closes
	// the connection); a reopen that fails is then the full disk too.
	full atomic.Bool
	// lost is set when another connection (a tab, or DeleteIndexedDB)
	// deleted or upgraded the database and this one closed for it.
	lost atomic.Bool
	// silent is set when a write got no answer (ErrNoAnswer): IndexedDB
	// runs a store's write transactions one after another, so the next
	// ones would wait behind it; they fail at once instead, until a read
	// answers again (a member's restart reloads by reading).
	silent atomic.Bool

	// recMu guards rec, the buffer write encodes each record in before
	// copying it into a JavaScript Uint8Array: reused, so that a write
	// allocates no Go memory per record (under the page's heaviest stress
	// the records were the largest share of its allocations, hence of the
	// garbage collector's work).
	recMu sync.Mutex
	rec   []byte

	group idbGroup // writes gathered into one transaction (idb_group_js.go)
}

// errLost is returned by every call after the connection was given up.
var errLost = fmt.Errorf("%w: the database was deleted or upgraded elsewhere (reset, or another tab)", ErrClosed)

func openIDB(factory js.Value, name string, opt IDBOptions) (*idbBackend, error) {
	if !factory.Truthy() {
		return nil, fmt.Errorf("%w: indexedDB is not defined", ErrUnavailable)
	}
	var req js.Value
	if err := jsTry(func() { req = factory.Call("open", name, 1) }); err != nil {
		return nil, fmt.Errorf("%w: indexedDB.open: %v", ErrUnavailable, err)
	}
	// Creating the object store must happen inside the upgrade callback; it
	// does not wait for anything. It may throw (the upgrade transaction was
	// aborted before it ran: by another script, or by the browser): a throw
	// must not unwind through the callback (the Go program would die), so
	// it is kept, the upgrade aborted if it is not yet, and the open then
	// fails with an AbortError, reported with what the upgrade said.
	var upgradeErr error // set in the callback, read once the request ended
	upgrade := js.FuncOf(func(this js.Value, args []js.Value) any {
		upgradeErr = jsTry(func() {
			db := req.Get("result")
			if !db.Get("objectStoreNames").Call("contains", idbStore).Bool() {
				db.Call("createObjectStore", idbStore)
			}
		})
		if upgradeErr != nil {
			jsTry(func() { req.Get("transaction").Call("abort") }) // throws if already aborted
		}
		return nil
	})
	defer upgrade.Release()
	req.Set("onupgradeneeded", upgrade)
	db, err := awaitRequest(req)
	req.Set("onupgradeneeded", js.Null())
	if err != nil {
		// IndexedDB is there but the database failed to open: a storage
		// failure, not ErrUnavailable.
		if upgradeErr != nil {
			return nil, fmt.Errorf("durable: opening IndexedDB %q: its upgrade failed (%v): %w", name, upgradeErr, err)
		}
		return nil, fmt.Errorf("durable: opening IndexedDB %q: %w", name, err)
	}
	b := &idbBackend{db: db, factory: factory, name: name}
	durability := "strict"
	if opt.Relaxed {
		durability = "relaxed"
	}
	b.txOpts = js.ValueOf(map[string]any{"durability": durability})
	// Another tab deleting or upgrading the database: let it proceed; our
	// later transactions then fail with a clear error instead of blocking it.
	b.onClose = js.FuncOf(func(this js.Value, args []js.Value) any {
		b.lost.Store(true)
		this.Call("close")
		return nil
	})
	b.onBrowserClose = js.FuncOf(func(this js.Value, args []js.Value) any {
		b.closed.Store(true) // idb_reopen_js.go
		return nil
	})
	b.attach(db)
	return b, nil
}

func (b *idbBackend) persistent() bool { return true }

func (b *idbBackend) close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.db.Set("onversionchange", js.Null())
	b.db.Set("onclose", js.Null())
	b.db.Call("close")
	b.onClose.Release()
	b.onBrowserClose.Release()
	return nil
}

var (
	jsUint8Array = js.Global().Get("Uint8Array")
	jsKeyRange   = js.Global().Get("IDBKeyRange")
)

// recordToJS returns the record of (key, value) in ns as a new Uint8Array.
// It does not block.
func (b *idbBackend) recordToJS(ns string, key, value []byte) js.Value {
	b.recMu.Lock()
	defer b.recMu.Unlock()
	b.rec = appendRecord(b.rec[:0], ns, key, value)
	a := bytesToJS(b.rec)
	if cap(b.rec) > maxKeptRecordBuffer {
		b.rec = nil // a one-off large record: do not keep its buffer
	}
	return a
}

// maxKeptRecordBuffer bounds the record buffer an idbBackend keeps between
// writes: a raft snapshot part (SnapshotPartBytes) and a Save's entries fit.
const maxKeptRecordBuffer = 4 << 20

func bytesToJS(p []byte) js.Value {
	a := jsUint8Array.New(len(p))
	js.CopyBytesToJS(a, p)
	return a
}

// bytesFromJS copies a Uint8Array or ArrayBuffer into Go memory.
func bytesFromJS(v js.Value) []byte {
	if !v.InstanceOf(jsUint8Array) {
		v = jsUint8Array.New(v)
	}
	p := make([]byte, v.Length())
	js.CopyBytesToGo(p, v)
	return p
}

func idbKey(ns string, key []byte) js.Value { return js.ValueOf([]any{ns, bytesToJS(key)}) }

// idbRange is the key range of ns's keys in [start, end), end nil: to the
// end of ns. The caller guarantees start < end when end is not nil.
func idbRange(ns string, start, end []byte) js.Value {
	lower := js.ValueOf([]any{ns, bytesToJS(start)})
	upper := js.ValueOf([]any{ns, []any{}}) // after every binary key
	if end != nil {
		upper = idbKey(ns, end)
	}
	return jsKeyRange.Call("bound", lower, upper, false, true)
}

// txResult is what a transaction's complete or abort handler sends.
type txResult struct{ err error }

func (b *idbBackend) get(ns string, key []byte) ([]byte, error) {
	if b.lost.Load() {
		return nil, errLost
	}
	db, err := b.conn(false)
	if err != nil {
		return nil, fmt.Errorf("durable: indexeddb get in %q: %w", ns, err)
	}
	var req js.Value
	if err := jsTry(func() {
		req = db.Call("transaction", idbStore, "readonly").Call("objectStore", idbStore).Call("get", idbKey(ns, key))
	}); err != nil {
		return nil, fmt.Errorf("durable: indexeddb get in %q: %w", ns, err)
	}
	v, err := awaitRequestWithin(req, CallTimeout)
	if errors.Is(err, errRequestTimeout) {
		return nil, noAnswer("get", ns)
	}
	b.silent.Store(false) // it answers again
	if err != nil {
		return nil, fmt.Errorf("durable: indexeddb get in %q: %w", ns, err)
	}
	if v.IsUndefined() {
		return nil, ErrNotFound
	}
	return recordFromJS(ns, key, v)
}

// recordFromJS copies a stored value; anything but binary data is corrupt.
func recordFromJS(ns string, key []byte, v js.Value) ([]byte, error) {
	if !v.InstanceOf(jsUint8Array) && !v.InstanceOf(js.Global().Get("ArrayBuffer")) {
		return nil, &CorruptError{Namespace: ns, Key: clone(key), Reason: "stored value is a " + v.Type().String() + ", not bytes"}
	}
	return bytesFromJS(v), nil
}

// scanPage bounds the records fetched per getAll request, so memory stays
// bounded for huge namespaces. Each page is its own read transaction, so a
// Scan concurrent with writes to the same namespace may see some of them
// (the member never does that: it scans only while opening). A variable so
// tests can cross pages cheaply.
var scanPage = 16384

func (b *idbBackend) scan(ns string, start, end []byte, fn func(rec []byte) error) error {
	if start == nil {
		start = []byte{}
	}
	lowerOpen := false
	for {
		if b.lost.Load() {
			return errLost
		}
		db, err := b.conn(false)
		if err != nil {
			return fmt.Errorf("durable: indexeddb scan of %q: %w", ns, err)
		}
		var req js.Value
		if err := jsTry(func() {
			r := idbRange(ns, start, end)
			if lowerOpen {
				r = jsKeyRange.Call("bound", r.Get("lower"), r.Get("upper"), true, true)
			}
			req = db.Call("transaction", idbStore, "readonly").Call("objectStore", idbStore).Call("getAll", r, scanPage)
		}); err != nil {
			return fmt.Errorf("durable: indexeddb scan of %q: %w", ns, err)
		}
		vals, err := awaitRequestWithin(req, CallTimeout)
		if errors.Is(err, errRequestTimeout) {
			return noAnswer("scan", ns)
		}
		b.silent.Store(false) // it answers again
		if err != nil {
			return fmt.Errorf("durable: indexeddb scan of %q: %w", ns, err)
		}
		n := vals.Length()
		for i := 0; i < n; i++ {
			rec, err := recordFromJS(ns, nil, vals.Index(i))
			if err != nil {
				return err
			}
			if i == n-1 && n == scanPage {
				// The next page starts after this record's key; a
				// corrupt record stops the scan here anyway.
				if k, _, err := decodeRecord(ns, nil, rec); err == nil {
					start, lowerOpen = k, true
				}
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
		if n < scanPage {
			return nil
		}
	}
}

func (b *idbBackend) wipe(ns string) error {
	return b.write(ns, []op{{kind: opDeleteRange, key: []byte{}}}, nil, nil)
}

// awaitRequest waits for an IDBRequest's success (returning its result) or
// error event, without a bound (open and delete: the page bounds them).
func awaitRequest(req js.Value) (js.Value, error) { return awaitRequestWithin(req, 0) }

// errRequestTimeout: awaitRequestWithin's request did not answer in time.
var errRequestTimeout = errors.New("no answer")

// awaitRequestWithin is awaitRequest giving up after timeout (0: never)
// with errRequestTimeout. Its handlers only send on a buffered channel; a
// request given up keeps them, so that a late event finds them.
func awaitRequestWithin(req js.Value, timeout time.Duration) (js.Value, error) {
	type res struct {
		v   js.Value
		err error
	}
	ch := make(chan res, 1)
	onsuccess := js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- res{v: req.Get("result")}
		return nil
	})
	onerror := js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- res{err: domError("request", req.Get("error"))}
		return nil
	})
	onblocked := js.FuncOf(func(this js.Value, args []js.Value) any {
		// Another connection holds an older version; the request goes on
		// once it closes (ours close on versionchange).
		return nil
	})
	release := true // false once given up: a late event must still find its handler
	defer func() {
		if release {
			onsuccess.Release()
			onerror.Release()
			onblocked.Release()
		}
	}()
	req.Set("onsuccess", onsuccess)
	req.Set("onerror", onerror)
	req.Set("onblocked", onblocked)
	var expired <-chan time.Time
	if timeout > 0 {
		timer := time.NewTimer(timeout)
		defer timer.Stop()
		expired = timer.C
	}
	var r res
	select {
	case r = <-ch:
	case <-expired:
		release = false
		return js.Undefined(), errRequestTimeout
	}
	req.Set("onsuccess", js.Null())
	req.Set("onerror", js.Null())
	req.Set("onblocked", js.Null())
	return r.v, r.err
}

// domError maps a DOMException (or null) to an error:
// QuotaExceededError wraps ErrQuota.
func domError(what string, ex js.Value) error {
	if !ex.Truthy() {
		return fmt.Errorf("durable: indexeddb %s aborted", what)
	}
	name, msg := ex.Get("name").String(), ex.Get("message").String()
	return mapDOMError(what, name, msg)
}

func mapDOMError(what, name, msg string) error {
	if msg != "" {
		msg = ": " + msg
	}
	if name == "QuotaExceededError" || name == "UnknownError" && strings.Contains(msg, "NO_SPACE") {
		// Chromium on a full disk: QuotaExceededError past the origin's
		// quota, UnknownError "... FILE_ERROR_NO_SPACE" when the disk
		// itself is full.
		return fmt.Errorf("%w (indexeddb %s: %s%s)", ErrQuota, what, name, msg)
	}
	return fmt.Errorf("durable: indexeddb %s failed: %s%s", what, name, msg)
}

// jsTry runs f, turning a thrown JavaScript exception into an error.
func jsTry(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			var je js.Error
			if e, ok := r.(error); ok && errors.As(e, &je) {
				err = mapDOMError("call", je.Get("name").String(), je.Get("message").String())
				return
			}
			err = fmt.Errorf("durable: javascript exception: %v", r)
		}
	}()
	f()
	return nil
}

//go:build js

package durable

import (
	"errors"
	"fmt"
	"strings"
	"syscall/js"
	"testing"
)

// inBrowser tells Chromium (wasmbrowsertest) from Node, which has no
// IndexedDB: there the IndexedDB tests skip; in a browser they must run.
func inBrowser() bool { return js.Global().Get("window").Truthy() }

var idbSeq int

// idbMedium is a fresh IndexedDB database, deleted when the test ends.
func idbMedium(t *testing.T) medium {
	if !inBrowser() {
		t.Skip("IndexedDB tests need a browser: run them with wasmbrowsertest (make test-idb)")
	}
	idbSeq++
	name := fmt.Sprintf("durable-test-%d", idbSeq)
	if err := DeleteIndexedDB(name); err != nil {
		t.Fatalf("DeleteIndexedDB: %v", err)
	}
	var opened []*DB
	t.Cleanup(func() {
		for _, db := range opened {
			db.Close()
		}
		if err := DeleteIndexedDB(name); err != nil {
			t.Errorf("DeleteIndexedDB: %v", err)
		}
	})
	return medium{open: func(t *testing.T) *DB {
		db, err := OpenIndexedDB(name, IDBOptions{})
		if err != nil {
			t.Fatalf("OpenIndexedDB: %v", err)
		}
		opened = append(opened, db)
		return db
	}}
}

func TestContractIndexedDB(t *testing.T) { runContract(t, idbMedium) }

func TestIndexedDBPersistent(t *testing.T) {
	db := idbMedium(t).open(t)
	if !db.Persistent() {
		t.Fatal("IndexedDB DB reports not persistent")
	}
}

func TestIndexedDBRelaxedDurability(t *testing.T) {
	if !inBrowser() {
		t.Skip("needs a browser")
	}
	const name = "durable-test-relaxed"
	DeleteIndexedDB(name)
	db, err := OpenIndexedDB(name, IDBOptions{Relaxed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer DeleteIndexedDB(name)
	defer db.Close()
	n := mustOpen(t, db, "m")
	var b Batch
	b.Put([]byte("k"), []byte("v"))
	mustWrite(t, n, &b)
	wantValue(t, n, []byte("k"), []byte("v"))
}

func TestIndexedDBUnavailable(t *testing.T) {
	// indexedDB undefined (Node, some private modes).
	if _, err := openIDB(js.Undefined(), "x", IDBOptions{}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("undefined factory: %v, want ErrUnavailable", err)
	}
	// A factory whose open throws (storage blocked in a frame).
	broken := js.Global().Get("Object").New()
	if _, err := openIDB(broken, "x", IDBOptions{}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("throwing factory: %v, want ErrUnavailable", err)
	}
}

func TestIndexedDBErrorMapping(t *testing.T) {
	// The DOMException mapping; TestIndexedDBRealQuota (make
	// test-idb-quota) provokes a real QuotaExceededError on a small disk.
	ex := js.Global().Get("DOMException").New("quota reached", "QuotaExceededError")
	if err := domError("transaction", ex); !errors.Is(err, ErrQuota) {
		t.Fatalf("QuotaExceededError maps to %v, want ErrQuota", err)
	}
	ex = js.Global().Get("DOMException").New("gone", "InvalidStateError")
	if err := domError("transaction", ex); errors.Is(err, ErrQuota) || err == nil {
		t.Fatalf("InvalidStateError maps to %v", err)
	}
	if err := domError("transaction", js.Null()); err == nil {
		t.Fatal("an abort without an error maps to nil")
	}
}

func TestIndexedDBValueNotBytes(t *testing.T) {
	db := idbMedium(t).open(t)
	n := mustOpen(t, db, "member-1")
	// Store a string where a record belongs, as a buggy or hostile page
	// script could.
	b := db.b.(*idbBackend)
	tx := b.db.Call("transaction", idbStore, "readwrite")
	req := tx.Call("objectStore", idbStore).Call("put", "not a record", idbKey("member-1", []byte("k")))
	if _, err := awaitRequest(req); err != nil {
		t.Fatal(err)
	}
	_, err := n.Get([]byte("k"))
	wantCorrupt(t, err, "member-1", []byte("k"), "not bytes")
	err = n.Scan(nil, nil, func(k, v []byte) error { return nil })
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Scan over a non-bytes value: %v, want ErrCorrupt", err)
	}
}

// TestIndexedDBScanPages crosses the getAll page size.
func TestIndexedDBScanPages(t *testing.T) {
	defer func(old int) { scanPage = old }(scanPage)
	scanPage = 50
	db := idbMedium(t).open(t)
	n := mustOpen(t, db, "member-1")
	var b Batch
	total := scanPage*2 + 7
	for i := 0; i < total; i++ {
		b.Put(idx(uint64(i)), []byte{byte(i)})
	}
	mustWrite(t, n, &b)
	i := 0
	err := n.Scan(nil, nil, func(k, v []byte) error {
		if string(k) != string(idx(uint64(i))) || v[0] != byte(i) {
			return fmt.Errorf("record %d: key %x value %x", i, k, v)
		}
		i++
		return nil
	})
	if err != nil || i != total {
		t.Fatalf("Scan: %v after %d records, want %d", err, i, total)
	}
}

func TestRaftStorageIndexedDB(t *testing.T) { runRaftStorage(t, idbMedium) }

func TestViewSnapshotsIndexedDB(t *testing.T) { runViewSnapshots(t, idbMedium) }

func TestMemberRestartIndexedDB(t *testing.T) { testMemberRestart(t, idbMedium(t)) }

// TestDeleteIndexedDBWhileOpen: "reset cluster" deletes the database even
// while a connection is open (it closes on versionchange instead of
// blocking the deletion); the old connection then fails clearly, and a new
// one starts empty.
func TestDeleteIndexedDBWhileOpen(t *testing.T) {
	if !inBrowser() {
		t.Skip("needs a browser")
	}
	const name = "durable-test-reset"
	db, err := OpenIndexedDB(name, IDBOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := mustOpen(t, db, "member-1")
	var b Batch
	b.Put([]byte("k"), []byte("v"))
	mustWrite(t, n, &b)
	if err := DeleteIndexedDB(name); err != nil {
		t.Fatalf("DeleteIndexedDB: %v", err)
	}
	if err := n.Write(&b); !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "deleted or upgraded elsewhere") {
		t.Fatalf("Write on a connection closed by the reset: %v, want ErrClosed saying why", err)
	}
	db.Close()
	db, err = OpenIndexedDB(name, IDBOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer DeleteIndexedDB(name)
	defer db.Close()
	wantMissing(t, mustOpen(t, db, "member-1"), []byte("k"))
}

func TestMemberPowerLossIndexedDB(t *testing.T) { testMemberPowerLoss(t, idbMedium(t)) }

// An upgrade aborted before the page's handler creates the object store
// (another script's upgradeneeded listener ran first and aborted it): the
// open fails with an error that says so and is not ErrUnavailable (the
// storage failed; it is not missing), the Go program does not die with the
// exception createObjectStore throws, and the next open, without the
// abort, creates the database.
func TestIndexedDBUpgradeAborted(t *testing.T) {
	if !inBrowser() {
		t.Skip("needs a browser")
	}
	const name = "durable-test-upgrade-aborted"
	if err := DeleteIndexedDB(name); err != nil {
		t.Fatal(err)
	}
	defer DeleteIndexedDB(name)
	factory := js.Global().Get("indexedDB")
	// A stand-in factory whose open adds an aborting listener first.
	aborting := js.Global().Get("Function").New("factory", `return {open(name, version) {
		const req = factory.open(name, version);
		req.addEventListener("upgradeneeded", () => req.transaction.abort());
		return req;
	}};`).Invoke(factory)
	_, err := openIDB(aborting, name, IDBOptions{})
	if err == nil || errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "upgrade") || !strings.Contains(err.Error(), "AbortError") {
		t.Fatalf("open with its upgrade aborted: %v; want an error naming the aborted upgrade, not ErrUnavailable", err)
	}
	t.Logf("aborted upgrade: %v", err)
	db, err := OpenIndexedDB(name, IDBOptions{})
	if err != nil {
		t.Fatalf("open after the aborted one: %v", err)
	}
	defer db.Close()
	n := mustOpen(t, db, "m")
	var b Batch
	b.Put([]byte("k"), []byte("v"))
	mustWrite(t, n, &b)
}

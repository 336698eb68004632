//go:build js

package durable

import (
	"errors"
	"fmt"
	"syscall/js"
	"testing"
)

// countReadwrite counts the readwrite transactions IndexedDB is asked for
// until the test ends.
func countReadwrite(t *testing.T) func() int {
	c := js.Global().Call("eval", `(() => {
		const orig = IDBDatabase.prototype.transaction;
		let n = 0;
		IDBDatabase.prototype.transaction = function (stores, mode) {
			if (mode === 'readwrite') n++;
			return orig.apply(this, arguments);
		};
		return { count: () => n, restore: () => { IDBDatabase.prototype.transaction = orig; } };
	})()`)
	t.Cleanup(func() { c.Call("restore") })
	return func() int { return c.Call("count").Int() }
}

// writeTogether issues one batch per namespace from goroutines of their
// own, as a tick's rounds do, and returns their errors in order.
func writeTogether(nss []*Namespace, value string) []error {
	errs := make([]chan error, len(nss))
	for i, n := range nss {
		errs[i] = make(chan error, 1)
		var b Batch
		b.Put([]byte("h"), []byte(value))
		b.Put([]byte("k-"+value), []byte(value))
		go func() { errs[i] <- n.Write(&b) }()
	}
	out := make([]error, len(nss))
	for i := range errs {
		out[i] = <-errs[i]
	}
	return out
}

// Writes issued together share one transaction; a namespace killed while
// its write is in that transaction loses the write (power loss before the
// commit), and the others' writes are stored all the same, in a new one.
func TestIndexedDBGroupCommit(t *testing.T) {
	m := idbMedium(t)
	db := m.open(t)
	var nss []*Namespace
	for i := 1; i <= 3; i++ {
		nss = append(nss, mustOpen(t, db, fmt.Sprintf("member-%d", i)))
	}
	count := countReadwrite(t)
	for i, err := range writeTogether(nss, "first") {
		if err != nil {
			t.Fatalf("member-%d: %v", i+1, err)
		}
	}
	if n := count(); n != 1 {
		t.Fatalf("three writes issued together took %d transactions, want 1", n)
	}

	issued := make(chan string, 8)
	db.testHookIssued = func(ns string) { issued <- ns }
	errs := make(chan []error, 1)
	go func() { errs <- writeTogether(nss, "second") }()
	for range nss {
		<-issued // all three are in one transaction, not committed yet
	}
	nss[1].Kill()
	got := <-errs
	db.testHookIssued = nil
	if !errors.Is(got[1], ErrKilled) {
		t.Errorf("killed member-2's write: %v, want ErrKilled", got[1])
	}
	for _, i := range []int{0, 2} {
		if got[i] != nil {
			t.Errorf("member-%d's write beside the killed one: %v", i+1, got[i])
		}
	}
	if n := count(); n != 3 {
		t.Errorf("%d transactions, want 3 (the first; the aborted group; the two others again)", n)
	}
	wantValue(t, nss[0], []byte("h"), []byte("second"))
	wantValue(t, nss[2], []byte("h"), []byte("second"))
	n2 := mustOpen(t, db, "member-2")
	wantValue(t, n2, []byte("h"), []byte("first"))
	wantMissing(t, n2, []byte("k-second"))
}

package durable

import (
	"errors"
	"testing"
)

// TestTabLock: in the browser two LockTab calls in one page contend exactly
// as two tabs do (Web Locks are per origin); natively, the process table.
func TestTabLock(t *testing.T) {
	const name = "durable-test-lock"
	a, err := LockTab(name, false)
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("no lock API here: %v", err)
	}
	if err != nil {
		t.Fatalf("first LockTab: %v", err)
	}
	if _, err := LockTab(name, false); !errors.Is(err, ErrLocked) {
		t.Fatalf("second LockTab: %v, want ErrLocked", err)
	}
	select {
	case <-a.Lost():
		t.Fatal("lock lost before anyone stole it")
	default:
	}
	b, err := LockTab(name, true)
	if err != nil {
		t.Fatalf("stealing LockTab: %v", err)
	}
	<-a.Lost()  // the previous holder learns it lost the lock
	a.Release() // a no-op now: must not release b's lock
	if _, err := LockTab(name, false); !errors.Is(err, ErrLocked) {
		t.Fatalf("LockTab while stolen lock held: %v, want ErrLocked", err)
	}
	b.Release()
	b.Release()
	c, err := LockTab(name, false)
	if err != nil {
		t.Fatalf("LockTab after release: %v", err)
	}
	c.Release()
}

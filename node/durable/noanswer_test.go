package durable

import (
	"errors"
	"testing"
	"time"
)

// A batch the medium never answers fails with ErrNoAnswer after
// CallTimeout instead of waiting forever; Kill does not wait on it; the
// batch was not stored.
func TestWriteNoAnswerTimesOut(t *testing.T) {
	defer func(d time.Duration) { CallTimeout = d }(CallTimeout)
	CallTimeout = 100 * time.Millisecond
	disk := NewMemDisk()
	db := NewMemory(disk)
	n := mustOpen(t, db, "member-1")
	disk.Stall()
	var b Batch
	b.Put([]byte("k"), []byte("v"))
	t0 := time.Now()
	err := n.Write(&b)
	if !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("a batch the medium never answered: %v, want ErrNoAnswer", err)
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("ErrNoAnswer after %v, want about CallTimeout (%v)", d, CallTimeout)
	}
	n.Kill() // returns: nothing left in flight
	disk.Release()
	wantMissing(t, mustOpen(t, db, "member-1"), []byte("k"))
	t.Logf("%v", err)
}

package local

import (
	"context"
	"errors"
	"github.com/etcd-play/etcd-play/app/engine"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// A durable engine that another tab stopped answers every call at once:
// requests in flight end with ErrStopped, new ones fail with it, the
// stress run in flight reports itself ended, and every member shows down.
func TestStoppedEngineAnswersAtOnce(t *testing.T) {
	eng, err := NewDurableEngine(cluster.Config{Members: 3, Seed: 42}, 100, engine.StartShared)
	if err != nil {
		t.Fatal(err)
	}
	e := eng.(*durableEngine)
	waitFor(t, "a leader", func() bool { return hasLeader(e.Status()) })
	run := e.Stress(engine.StressConfig{Rate: 1, Count: 1_000_000, Keys: 10, ValueSize: 8})
	e.Pause() // a put now waits for a tick that never comes
	inFlight := make(chan error, 1)
	go func() {
		_, err := e.Put(context.Background(), 1, []byte("k"), []byte("v"))
		inFlight <- err
	}()

	e.stopForGood()
	select {
	case err := <-inFlight:
		if !errors.Is(err, engine.ErrStopped) {
			t.Errorf("put in flight: %v, want engine.ErrStopped", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a put in flight at the stop still waits after 2 s")
	}
	if _, err := e.Get(context.Background(), 1, mvcc.RangeRequest{Key: []byte("k")}, true); !errors.Is(err, engine.ErrStopped) {
		t.Errorf("get: %v", err)
	}
	if err := e.Kill(1); !errors.Is(err, engine.ErrStopped) {
		t.Errorf("kill: %v", err)
	}
	if err := e.ResetAll(); !errors.Is(err, engine.ErrStopped) {
		t.Errorf("reset: %v", err)
	}
	if p := run.Progress(); p.Running {
		t.Errorf("stress in flight still running: %+v", p)
	}
	for _, m := range e.Status() {
		if m.State != "down" || m.Leader != 0 {
			t.Errorf("member %d after the stop: %s, leader %d", m.ID, m.State, m.Leader)
		}
	}
	if !e.Paused() {
		t.Error("a stopped engine is not paused")
	}
	if err := e.Seek(context.Background(), 0); !errors.Is(err, engine.ErrStopped) {
		t.Errorf("seek: %v", err)
	}
	if err := e.SwitchBranch(context.Background(), 1); !errors.Is(err, engine.ErrStopped) {
		t.Errorf("switch branch: %v", err)
	}
	if err := e.LoadHistory(context.Background(), []byte(`{}`), false); !errors.Is(err, engine.ErrStopped) {
		t.Errorf("load history: %v", err)
	}
}

func TestInTimeTimesOutAndUndoesALateResult(t *testing.T) {
	defer func(d time.Duration) { storageTimeout = d }(storageTimeout)
	storageTimeout = 10 * time.Millisecond
	release, undone := make(chan struct{}), make(chan int, 1)
	_, err := inTime("slow", func() (int, error) { <-release; return 7, nil }, func(v int) { undone <- v })
	if !errors.Is(err, errTimedOut) {
		t.Fatalf("err %v, want errTimedOut", err)
	}
	close(release)
	select {
	case v := <-undone:
		if v != 7 {
			t.Errorf("undo got %d", v)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the late result was not undone")
	}
	if v, err := inTime("quick", func() (int, error) { return 3, nil }, func(int) { t.Error("undo of a result in time") }); v != 3 || err != nil {
		t.Errorf("in time: %d %v", v, err)
	}
}

package local

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// fakeEngine is an engine without storage; only its identity matters.
type fakeEngine struct{ engine.Engine }

func TestSharedStartsOnceForConcurrentRequests(t *testing.T) {
	var starts atomic.Int32
	var first engine.StartRequest
	start := Shared(func(req engine.StartRequest) (engine.Engine, error) {
		if starts.Add(1) == 1 {
			first = req
		}
		time.Sleep(time.Millisecond) // a start takes time: the others must wait for it, not start their own
		return &fakeEngine{}, nil
	})
	const n = 20
	got := make([]engine.Engine, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			e, err := start(engine.StartRequest{Members: 3 + i%2, Seed: int64(i)})
			if err != nil {
				t.Error(err)
			}
			got[i] = e
		})
	}
	wg.Wait()
	if starts.Load() != 1 {
		t.Fatalf("%d starts for %d requests, want 1", starts.Load(), n)
	}
	for i, e := range got {
		if e != got[0] {
			t.Fatalf("request %d got another engine", i)
		}
	}
	if _, ok := got[0].(engine.Storage); ok {
		t.Error("an engine without storage was given storage")
	}
	if first.Members == 0 {
		t.Errorf("the start did not get its request: %+v", first)
	}
}

func TestSharedRetriesAFailedStart(t *testing.T) {
	fail := errors.New("no room")
	calls := 0
	start := Shared(func(engine.StartRequest) (engine.Engine, error) {
		if calls++; calls == 1 {
			return nil, fail
		}
		return &fakeEngine{}, nil
	})
	if _, err := start(engine.StartRequest{}); !errors.Is(err, fail) {
		t.Fatalf("first start: %v, want its error", err)
	}
	a, err := start(engine.StartRequest{})
	if err != nil || a == nil {
		t.Fatalf("second start: %v", err)
	}
	if b, _ := start(engine.StartRequest{}); b != a || calls != 2 {
		t.Fatalf("third request: another engine or a new start (%d starts)", calls)
	}
}

// The native engine: every page gets the one running cluster (a key one
// page writes, another reads); after a reset the next page starts a new,
// empty one.
func TestSharedNativeEngine(t *testing.T) {
	start := Shared(StartNative)
	a, err := start(engine.StartRequest{Members: 3, Seed: 7, Speed: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { a.(engine.Storage).ResetAll() }()
	if !hasLeader(a.Status()) || len(a.Members()) != 3 {
		t.Fatalf("the native engine did not boot its 3 members to a leader: %+v", a.Status())
	}
	v := a.(engine.Storage).Storage()
	if v.Medium != "memory" || v.Persistent || v.Notice != "" {
		t.Errorf("native storage view: %+v", v)
	}
	if a.(engine.Stoppable).Stopped() != nil {
		t.Error("a fresh native engine says it stopped")
	}
	b, err := start(engine.StartRequest{Members: 5}) // another page: same engine, its request ignored
	if err != nil || b != a {
		t.Fatalf("second page: %v, same engine %v", err, b == a)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := a.Put(ctx, leaderOf(a), []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	r, err := b.Get(ctx, leaderOf(b), mvcc.RangeRequest{Key: []byte("k")}, false)
	if err != nil || len(r.KVs) != 1 || string(r.KVs[0].Value) != "v" {
		t.Fatalf("the other page's get: %+v, %v", r, err)
	}

	if err := b.(engine.Storage).ResetAll(); err != nil {
		t.Fatal(err)
	}
	c, err := start(engine.StartRequest{Members: 3, Seed: 7, Speed: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer c.(engine.Storage).ResetAll()
	if c == a {
		t.Fatal("after a reset the next page got the reset engine")
	}
	r, err = c.Get(ctx, leaderOf(c), mvcc.RangeRequest{Key: []byte("k")}, false)
	if err != nil || len(r.KVs) != 0 {
		t.Fatalf("the new cluster's get: %+v, %v (want no key)", r, err)
	}
}

// leaderOf is e's leader (BootToLeader made one; the others may not know it yet).
func leaderOf(e engine.Engine) uint64 {
	for _, m := range e.Status() {
		if m.Up() && m.State == "leader" {
			return m.ID
		}
	}
	return 1
}

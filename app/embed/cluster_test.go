package embed

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// The commands against the shipped engine over a real five-member cluster,
// ticked by the test: results carry what the cluster did.
func TestAPICommandsOnCluster(t *testing.T) {
	e, c := newPausedEngine(t)
	tickUntil(t, c, "leader", func() bool { return leaderOf(e.Status()) != 0 })
	tickInBackground(t, c) // the cluster runs while commands wait on it

	out := newPosted()
	a := newMessageAPI(e, []string{docs}, testLimits, out.post)
	a.pollEvery = time.Millisecond
	n := 0
	run := func(cmd string) json.RawMessage {
		t.Helper()
		a.handle(docs, []byte(cmd))
		m, _ := out.next(t, n)
		n++
		if m.OK == nil || !*m.OK {
			t.Fatalf("%s: %+v", cmd, m)
		}
		b, err := json.Marshal(m.Result)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	var put struct{ Revision int64 }
	json.Unmarshal(run(`{"etcdplay":1,"cmd":"put","key":"greeting","value":"hello"}`), &put)
	if put.Revision < 2 {
		t.Errorf("put revision %d", put.Revision)
	}
	var get struct {
		Revision int64
		Count    int64
		KVs      []KVResult
	}
	json.Unmarshal(run(`{"etcdplay":1,"cmd":"get","key":"greeting","member":4}`), &get)
	if get.Count != 1 || len(get.KVs) != 1 || get.KVs[0].Value != "hello" || get.KVs[0].ModRevision != put.Revision {
		t.Errorf("get = %+v after put at %d", get, put.Revision)
	}

	// Fault commands are accepted at once and act at the next tick.
	run(`{"etcdplay":1,"cmd":"kill","member":2}`)
	var st struct {
		Leader  uint64
		Members []MemberResult
	}
	waitFor(t, "status to show member 2 down", func() bool {
		json.Unmarshal(run(`{"etcdplay":1,"cmd":"status"}`), &st)
		return len(st.Members) == 5 && st.Members[1].State == "down"
	})
	if st.Leader == 0 || st.Leader == 2 {
		t.Errorf("status after kill 2 names leader %d", st.Leader)
	}
	run(`{"etcdplay":1,"cmd":"restart","member":2}`)
	waitFor(t, "status to show member 2 up", func() bool {
		json.Unmarshal(run(`{"etcdplay":1,"cmd":"status"}`), &st)
		return st.Members[1].State != "down"
	})

	cut := func() int {
		n := 0
		for _, l := range e.Links() {
			if l.Cut {
				n++
			}
		}
		return n
	}
	run(`{"etcdplay":1,"cmd":"partition","groups":[[1,2],[3,4,5]]}`)
	waitFor(t, "a 2|3 partition to cut 12 links (2×3 each way)", func() bool { return cut() == 12 })
	run(`{"etcdplay":1,"cmd":"heal"}`)
	waitFor(t, "heal to restore every link", func() bool { return cut() == 0 })

	var sp struct{ Total, Done, OK, Failed int }
	json.Unmarshal(run(`{"etcdplay":1,"cmd":"stress","count":50,"rate":5,"keys":10}`), &sp)
	if sp.Total != 50 || sp.Done != 50 || sp.OK == 0 {
		t.Errorf("stress result %+v", sp)
	}

	// Two sequential runs fill keys 0..59 and 60..99: 100 distinct keys,
	// each written once (the random run above used stress/00000..00009).
	for _, cmd := range []string{
		`{"etcdplay":1,"cmd":"stress","count":60,"rate":20,"sequential":true}`,
		`{"etcdplay":1,"cmd":"stress","count":40,"rate":20,"sequential":true,"start":60}`,
	} {
		sp = struct{ Total, Done, OK, Failed int }{}
		json.Unmarshal(run(cmd), &sp)
		if sp.Done != sp.Total || sp.Failed != 0 {
			t.Fatalf("%s: result %+v", cmd, sp)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := e.Get(ctx, target(e, 0), mvcc.RangeRequest{Key: []byte("stress/"), End: []byte("stress0")}, false)
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, len(r.KVs))
	for i, kv := range r.KVs {
		keys[i] = string(kv.Key)
	}
	if len(keys) != 100 || keys[0] != "stress/00000" || keys[99] != "stress/00099" {
		t.Fatalf("after two sequential runs: %d stress keys %q, want stress/00000 .. stress/00099", len(keys), keys)
	}
	for _, kv := range r.KVs[10:] {
		if kv.Version != 1 {
			t.Errorf("%s has version %d, want 1 (one sequential put each)", kv.Key, kv.Version)
		}
	}
}

// waitFor polls cond (the cluster is ticking meanwhile) for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// newPausedEngine is the shipped adapter over a real cluster whose driver
// stays paused: the test ticks the cluster itself.
func newPausedEngine(t *testing.T) (engine.Engine, *cluster.Cluster) {
	t.Helper()
	c, err := cluster.New(cluster.Config{Members: 5, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	d := cluster.NewDriver(c, 10)
	t.Cleanup(d.Close)
	return local.Wrap(c, d), c
}

// tickInBackground ticks c on its own goroutine, about once a
// millisecond, until the test ends.
func tickInBackground(t *testing.T, c *cluster.Cluster) {
	stop, ticked := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ticked)
		for {
			select {
			case <-stop:
				return
			default:
				c.Tick()
				time.Sleep(time.Millisecond) // pacing the background clock, not waiting for a condition
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-ticked })
}

func tickUntil(t *testing.T, c *cluster.Cluster, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		c.Tick()
	}
	t.Fatalf("after 1000 ticks: no %s", what)
}

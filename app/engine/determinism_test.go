package engine_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// action is one step of a scripted run: at tick At, request Q.
type action struct {
	At uint64
	Q  engine.Request
}

func put(at, member uint64, k, v string) action {
	return action{at, engine.Request{Op: engine.OpPut, Member: member, Key: []byte(k), Value: []byte(v)}}
}

// script kills, restarts, partitions and writes through several members.
var script = []action{
	put(30, 1, "a", "1"), put(30, 2, "b", "2"),
	{35, engine.Request{Op: engine.OpKill, Member: 3}},
	put(40, 4, "a", "3"),
	{45, engine.Request{Op: engine.OpPartition, Groups: [][]uint64{{1, 2}, {3, 4, 5}}}},
	put(50, 1, "c", "minority"), put(50, 4, "d", "majority"),
	{60, engine.Request{Op: engine.OpRestart, Member: 3}},
	{70, engine.Request{Op: engine.OpHealAll}},
	{80, engine.Request{Op: engine.OpDelete, Member: 5, Delete: mvcc.DeleteRangeRequest{Key: []byte("a")}}},
	{90, engine.Request{Op: engine.OpCompact, Member: 2, N: 3}},
}

const scriptTicks = 200

var scriptConfig = cluster.Config{Members: 5, Seed: 42}

// digest is what two runs must agree on: every member's status and the
// whole event log.
func digest(c *cluster.Cluster) string {
	return fmt.Sprintf("%+v\n%+v", c.Status(), c.Events(0))
}

// simulate runs the script on the cluster directly, as the simulator does.
func simulate(t *testing.T) string {
	c, err := cluster.New(scriptConfig)
	if err != nil {
		t.Fatal(err)
	}
	for tick := uint64(0); tick < scriptTicks; tick++ {
		for _, a := range script {
			if a.At != tick {
				continue
			}
			q := a.Q
			switch q.Op {
			case engine.OpPut:
				c.Do(q.Member, cluster.Op{Put: &mvcc.PutRequest{Key: q.Key, Value: q.Value}})
			case engine.OpDelete:
				c.Do(q.Member, cluster.Op{DeleteRange: &q.Delete})
			case engine.OpCompact:
				c.Do(q.Member, cluster.Op{Compact: q.N})
			case engine.OpKill:
				c.Kill(q.Member)
			case engine.OpRestart:
				c.Restart(q.Member)
			case engine.OpPartition:
				c.Partition(q.Groups...)
			case engine.OpHealAll:
				c.HealAll()
			default:
				t.Fatalf("script op %d", q.Op)
			}
		}
		c.Tick()
	}
	return digest(c)
}

// The protocol is not in the engine's decision path: the same script sent
// as requests (a Step per tick, each request sent before the Step of its
// tick, client calls not awaited) gives the run the simulator gives.
func TestProtocolRunEqualsSimulator(t *testing.T) {
	want := simulate(t)

	c, err := cluster.New(scriptConfig)
	if err != nil {
		t.Fatal(err)
	}
	d := cluster.NewDriver(c, 10) // paused: only Steps tick
	defer d.Close()
	a, b := engine.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go engine.Serve(ctx, b, engine.ServerOptions{Kind: "native", Build: "t",
		Start: func(engine.StartRequest) (engine.Engine, error) { return local.Wrap(c, d), nil }})

	var id uint64
	send := func(q engine.Request) uint64 {
		id++
		q.ID = id
		if err := a.Send(engine.EncodeRequest(&q)); err != nil {
			t.Fatal(err)
		}
		return id
	}
	// await reads frames until the response to request n, acknowledging
	// updates as they come.
	await := func(n uint64) {
		for {
			fr, err := a.Recv(ctx)
			if err != nil {
				t.Fatal(err)
			}
			p, err := engine.DecodeResponse(fr)
			if err != nil {
				t.Fatal(err)
			}
			if p == nil {
				a.Send(engine.AckFrame)
				continue
			}
			if p.ID == n {
				return
			}
		}
	}
	a.Send(engine.EncodeHello(engine.Version, "t"))
	if _, err := a.Recv(ctx); err != nil { // the welcome
		t.Fatal(err)
	}
	await(send(engine.Request{Op: engine.OpStart}))
	for tick := uint64(0); tick < scriptTicks; tick++ {
		for _, act := range script {
			if act.At == tick {
				send(act.Q)
			}
		}
		await(send(engine.Request{Op: engine.OpStep}))
	}
	if got := digest(c); got != want {
		t.Fatalf("the run through the protocol differs from the simulator's:\n got %.2000s\nwant %.2000s", got, want)
	}
	if st := c.Status(); st[0].Revision < 4 {
		t.Fatalf("the script wrote too little to compare (revision %d)", st[0].Revision)
	}
}

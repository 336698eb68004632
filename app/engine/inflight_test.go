package engine_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/node/cluster"
)

// pausedEngine serves a 3-member cluster that only Steps tick, and returns
// the client's engine and the cluster itself (to compare with).
func pausedEngine(t *testing.T, seed int64) (engine.Engine, *engine.Client, *cluster.Cluster) {
	t.Helper()
	c, err := cluster.New(cluster.Config{Members: 3, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	d := cluster.NewDriver(c, 10) // paused
	t.Cleanup(d.Close)
	cl, _ := serve(t, "v1", func(engine.StartRequest) (engine.Engine, error) { return local.Wrap(c, d), nil })
	eng, err := cl.Start(context.Background(), engine.StartRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return eng, cl, c
}

// The messages in flight, the per-type link counts and the members'
// timers reach the client as the cluster has them, and a DropMessage sent
// through the protocol drops that message at the next tick (logged and
// counted on its link).
func TestMessagesThroughTheProtocol(t *testing.T) {
	eng, _, c := pausedEngine(t, 11)
	var vote engine.MessageView
	for step := 0; vote.ID == 0; step++ {
		if step > 200 {
			t.Fatal("no vote request in flight after 200 steps")
		}
		eng.Step()
		now := c.Now()
		want, wantTotal := local.Wrap(c, nil).Messages(engine.MaxUpdateMessages)
		var got []engine.MessageView
		var total int
		waitView(t, fmt.Sprintf("the messages of tick %d", now), func() bool {
			got, total = eng.Messages(engine.MaxUpdateMessages)
			return eng.Now() == now && total == wantTotal && len(got) == len(want) && (len(got) == 0 || reflect.DeepEqual(got, want))
		})
		for _, m := range got {
			if m.Type == "MsgPreVote" || m.Type == "MsgVote" {
				vote = m
				break
			}
		}
		// The timers and per-type counts of the same tick.
		ins := c.Inspect()
		for i, v := range eng.Status() {
			tm := ins[i].Timers
			if v.ElectionElapsed != tm.ElectionElapsed || v.ElectionTimeout != tm.ElectionTimeout ||
				v.VotesGranted != tm.VotesGranted || v.HeartbeatElapsed != tm.HeartbeatElapsed {
				t.Fatalf("tick %d member %d: view %+v, raft %+v", now, v.ID, v, tm)
			}
		}
		links := c.Links()
		for i, l := range eng.Links() {
			if l.SentByType != links[i].SentByType {
				t.Fatalf("link %d->%d by type %v, want %v", l.From, l.To, l.SentByType, links[i].SentByType)
			}
		}
	}
	before := linkDropped(c, vote.From, vote.To)
	eng.DropMessage(vote.ID)
	eng.Step()
	if got := linkDropped(c, vote.From, vote.To); got != before+1 {
		t.Fatalf("link %d->%d dropped %d, want %d", vote.From, vote.To, got, before+1)
	}
	want := fmt.Sprintf("dropped %s %d -> %d", vote.Type, vote.From, vote.To)
	waitView(t, "the drop's event", func() bool {
		for _, e := range eng.Events(0) {
			if strings.HasPrefix(e.Text, want) {
				return true
			}
		}
		return false
	})
	msgs, _ := c.Messages(0)
	for _, m := range msgs {
		if m.ID == vote.ID {
			t.Fatalf("message %d still in flight after its drop", vote.ID)
		}
	}
}

func linkDropped(c *cluster.Cluster, from, to uint64) uint64 {
	for _, l := range c.Links() {
		if l.From == from && l.To == to {
			return l.Dropped
		}
	}
	return 0
}

// Updates carry messages in flight only while the client asks, at most
// what it asked: none before, at most 2 after asking 2, none after asking
// 0 (read frame by frame).
func TestUpdatesCarryMessagesOnlyWhenAsked(t *testing.T) {
	c, err := cluster.New(cluster.Config{Members: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for range 40 {
		c.Tick() // a leader, heartbeats in flight
	}
	d := cluster.NewDriver(c, 10)
	defer d.Close()
	a, b := engine.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go engine.Serve(ctx, b, engine.ServerOptions{Kind: "native", Build: "t",
		Start: func(engine.StartRequest) (engine.Engine, error) { return local.Wrap(c, d), nil }})
	a.Send(engine.EncodeHello(engine.Version, "t"))
	if _, err := a.Recv(ctx); err != nil {
		t.Fatal(err)
	}
	id := uint64(0)
	send := func(q engine.Request) {
		id++
		q.ID = id
		if err := a.Send(engine.EncodeRequest(&q)); err != nil {
			t.Fatal(err)
		}
	}
	// next returns the next update handled after every request sent so far,
	// acknowledging the updates it reads.
	next := func() *engine.Update {
		for {
			fr, err := a.Recv(ctx)
			if err != nil {
				t.Fatal(err)
			}
			u, err := engine.DecodeUpdate(fr)
			if err != nil {
				t.Fatal(err)
			}
			if u == nil {
				continue
			}
			a.Send(engine.AckFrame)
			if u.Applied >= id {
				return u
			}
		}
	}
	send(engine.Request{Op: engine.OpStart})
	if u := next(); len(u.Messages) != 0 || u.MessagesTotal != 0 {
		t.Fatalf("unasked update carries %d messages (total %d)", len(u.Messages), u.MessagesTotal)
	}
	send(engine.Request{Op: engine.OpShowMessages, N: 2})
	u := next()
	_, total := c.Messages(0)
	if len(u.Messages) != 2 || u.MessagesTotal != total || total < 3 {
		t.Fatalf("asked 2: update carries %d of %d (cluster: %d in flight)", len(u.Messages), u.MessagesTotal, total)
	}
	send(engine.Request{Op: engine.OpShowMessages, N: 0})
	if u := next(); len(u.Messages) != 0 || u.MessagesTotal != 0 {
		t.Fatalf("after asking 0, update carries %d messages (total %d)", len(u.Messages), u.MessagesTotal)
	}
}

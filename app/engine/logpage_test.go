package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
)

// Through the protocol, on a real cluster: a leader cut off from the
// majority appends a put it cannot commit, the majority elects another
// leader and writes, and after healing the old leader's log page shows
// the put as overwritten at the index where the new leader's entry now is.
func TestLogPageThroughProtocol(t *testing.T) {
	c, _ := serve(t, "v1", local.Start)
	eng, err := c.Start(context.Background(), engine.StartRequest{Members: 3, Seed: 4, Speed: 200})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	waitView(t, "a leader", func() bool { return leader(eng.Status()) != 0 })
	if _, err := eng.Put(ctx, leader(eng.Status()), []byte("first"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	old := leader(eng.Status())
	eng.Isolate(old)
	putCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	lost := make(chan error, 1)
	go func() { _, err := eng.Put(putCtx, old, []byte("lost"), []byte("<i>1</i>")); lost <- err }()

	var at, term uint64
	waitView(t, "the isolated leader's uncommitted put", func() bool {
		p, err := eng.LogPage(ctx, old, 0, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Entries {
			if e.Kind == "put" && strings.Contains(e.Text, "lost") && e.Index > p.Commit {
				at, term = e.Index, e.Term
				return true
			}
		}
		return false
	})
	waitView(t, "a majority leader", func() bool { l := leader(eng.Status()); return l != 0 && l != old })
	if _, err := eng.Put(ctx, leader(eng.Status()), []byte("won"), []byte("2")); err != nil {
		t.Fatal(err)
	}
	eng.HealAll()
	var p *engine.LogPageView
	waitView(t, "the old leader's put overwritten", func() bool {
		if p, err = eng.LogPage(ctx, old, at, 1); err != nil {
			t.Fatal(err)
		}
		return len(p.Overwritten) > 0 && len(p.Entries) == 1 && p.Commit >= at
	})
	o := p.Overwritten[0]
	if o.Index != at || o.Term != term || o.Kind != "put" || o.Text != `put "lost" = "<i>1</i>"` || o.Tick == 0 {
		t.Fatalf("overwritten %+v, want the put at %d of term %d", o, at, term)
	}
	if e := p.Entries[0]; e.Index != at || e.Term == term || p.Member != old || !p.Up || p.First == 0 || p.Last < at {
		t.Fatalf("page %+v", p)
	}
	if err := <-lost; err == nil {
		t.Fatal("the overwritten put succeeded")
	}

	if _, err := eng.LogPage(ctx, 1, 0, engine.MaxLogPage+1); err == nil {
		t.Error("a page over MaxLogPage: no error")
	}
	if _, err := eng.LogPage(ctx, 9, 0, 1); err == nil || !strings.Contains(err.Error(), "no such member") {
		t.Errorf("member 9: %v", err)
	}
}

// The engine refuses an oversized page itself: the request goes frame by
// frame, around the client's own check.
func TestLogPageCountCheckedByEngine(t *testing.T) {
	a, b := engine.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go engine.Serve(ctx, b, engine.ServerOptions{Kind: "native", Build: "t", Start: local.Start})
	a.Send(engine.EncodeHello(engine.Version, "t"))
	if _, err := a.Recv(ctx); err != nil { // the welcome
		t.Fatal(err)
	}
	answer := func(q engine.Request) *engine.Response {
		if err := a.Send(engine.EncodeRequest(&q)); err != nil {
			t.Fatal(err)
		}
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
			if p.ID == q.ID {
				return p
			}
		}
	}
	if p := answer(engine.Request{ID: 1, Op: engine.OpStart, Start: engine.StartRequest{Members: 1, Seed: 1, Speed: 200}}); p.Err != nil {
		t.Fatal(p.Err)
	}
	p := answer(engine.Request{ID: 2, Op: engine.OpLogPage, Member: 1, LogCount: engine.MaxLogPage + 1})
	if p.Err == nil || !strings.Contains(p.Err.Error(), "must be 0..1000") || p.LogPage != nil {
		t.Fatalf("an oversized page: %+v", p)
	}
	p = answer(engine.Request{ID: 3, Op: engine.OpLogPage, Member: 1, LogCount: engine.MaxLogPage})
	if p.Err != nil || p.LogPage == nil || p.LogPage.Last == 0 || len(p.LogPage.Entries) == 0 {
		t.Fatalf("a full page: %+v", p)
	}
}

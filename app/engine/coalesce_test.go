package engine

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// eventFake is an engine whose event log grows by what the test adds.
type eventFake struct {
	Engine // nil: only the methods below are called
	mu     sync.Mutex
	events []EventView
}

func (f *eventFake) Members() []uint64       { return []uint64{1, 2, 3} }
func (f *eventFake) Now() uint64             { return 7 }
func (f *eventFake) Paused() bool            { return false }
func (f *eventFake) Status() []MemberView    { return []MemberView{{ID: 1, State: "leader"}} }
func (f *eventFake) Links() []LinkView       { return []LinkView{{From: 1, To: 2}} }
func (f *eventFake) Kill(id uint64) error    { f.add(2000); return nil }
func (f *eventFake) Restart(id uint64) error { return nil }
func (f *eventFake) Events(after uint64) []EventView {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []EventView
	for _, e := range f.events {
		if e.Seq > after {
			out = append(out, e)
		}
	}
	return out
}

func (f *eventFake) add(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := 0; i < n; i++ {
		seq := uint64(len(f.events) + 1)
		f.events = append(f.events, EventView{Seq: seq, Text: fmt.Sprint("event ", seq)})
	}
}

// rawClient speaks the protocol by hand, to see exactly what the server
// sends.
type rawClient struct {
	t    *testing.T
	conn Conn
	id   uint64
}

func (r *rawClient) next() frame {
	r.t.Helper()
	b, err := r.conn.Recv(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	f, err := decodeFrame(b)
	if err != nil {
		r.t.Fatal(err)
	}
	return f
}

func (r *rawClient) request(q *Request) {
	r.id++
	q.ID = r.id
	if err := r.conn.Send(encodeRequest(q)); err != nil {
		r.t.Fatal(err)
	}
}

// A page that does not read gets UpdateWindow updates and no other,
// however much happens (no queue grows); its acknowledgement brings one
// update with the newest MaxUpdateEvents events and the count of the older
// new ones left out.
func TestUpdatesWaitForTheSlowPage(t *testing.T) {
	fake := &eventFake{}
	fake.add(10)
	a, b := Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go Serve(ctx, b, ServerOptions{Kind: "worker", Build: "t", Start: func(StartRequest) (Engine, error) { return fake, nil }})
	r := &rawClient{t: t, conn: a}
	a.Send(encodeHello(hello{Protocol: Version, Build: "t"}))
	if f := r.next(); f.kind != kindWelcome || f.welcome.Refused != "" {
		t.Fatalf("handshake: %+v", f)
	}
	r.request(&Request{Op: OpStart})
	var first *Update
	started, sent := false, 0
	for first == nil || !started {
		switch f := r.next(); f.kind {
		case kindUpdate:
			if sent++; first == nil {
				first = f.update
			}
		case kindResponse:
			if f.response.Err != nil {
				t.Fatal(f.response.Err)
			}
			started = true
		}
	}
	if len(first.Events) != 10 || len(first.Links) != 1 {
		t.Fatalf("first update: %d events, %d links", len(first.Events), len(first.Links))
	}
	// 100 requests, each adding 2,000 events, answered while no update is
	// acknowledged: the window's other updates come, and then none.
	for i := 0; i < 100; i++ {
		r.request(&Request{Op: OpKill, Member: 1})
		for {
			f := r.next()
			if f.kind == kindUpdate {
				if sent++; sent > UpdateWindow {
					t.Fatalf("update %d came before the page acknowledged any (window %d, after %d requests)", sent, UpdateWindow, i)
				}
				continue
			}
			if f.kind == kindResponse && f.response.ID == r.id {
				break
			}
		}
	}
	if sent != UpdateWindow {
		t.Fatalf("%d updates came without an ack, want the window's %d", sent, UpdateWindow)
	}
	a.Send(ackFrame)
	f := r.next()
	if f.kind != kindUpdate {
		t.Fatalf("after the ack: frame kind %d, want an update", f.kind)
	}
	u := f.update
	if len(u.Events) != MaxUpdateEvents || u.EventsDropped != 200_000-MaxUpdateEvents {
		t.Fatalf("merged update: %d events, %d dropped", len(u.Events), u.EventsDropped)
	}
	if last := u.Events[len(u.Events)-1].Seq; last != 200_010 {
		t.Fatalf("newest event %d, want 200010", last)
	}
	if len(u.Links) != 0 {
		t.Fatalf("unchanged links sent again: %v", u.Links)
	}
	if u.Applied != r.id {
		t.Fatalf("applied %d, want %d", u.Applied, r.id)
	}
}

// benchUpdate is the reference update: 7 members (each a leader's
// progress of 6 followers), 42 links, 1,000 new events.
func benchUpdate() *Update {
	u := &Update{Now: 123456, Applied: 99}
	for i := uint64(1); i <= 7; i++ {
		m := MemberView{ID: i, Name: fmt.Sprint("etcd-", i), State: "follower", Term: 5, Leader: 1, Commit: 100000 + i,
			Applied: 100000, LastIndex: 100010, SnapshotIndex: 99000, Revision: 90000, CompactRevision: 89000,
			Keys: 10000, Hash: 0xdeadbeef, HashRevision: 89000, StoreBytes: 1 << 24}
		for j := uint64(1); j <= 7; j++ {
			if j != i {
				m.Progress = append(m.Progress, FollowerProgress{ID: j, Match: 100000, Next: 100001, State: "replicate"})
			}
		}
		u.Members = append(u.Members, m)
		for j := uint64(1); j <= 7; j++ {
			if j != i {
				u.Links = append(u.Links, LinkView{From: i, To: j, Drop: 0.1, Delay: 2, Sent: 1e6, Delivered: 9e5, Dropped: 1e5, InFlight: 3})
			}
		}
	}
	for i := uint64(0); i < 1000; i++ {
		u.Events = append(u.Events, EventView{Seq: 5000 + i, Tick: 120000 + i, Kind: "client", Member: 1 + i%7,
			Text: fmt.Sprintf("put stress-%06d (16 bytes) at revision %d", i, 80000+i), OK: true, LatencyTicks: 2})
	}
	return u
}

func BenchmarkUpdateEncode(b *testing.B) {
	u := benchUpdate()
	b.ReportAllocs()
	var n int
	for i := 0; i < b.N; i++ {
		n = len(encodeUpdate(u))
	}
	b.SetBytes(int64(n))
}

func BenchmarkUpdateDecode(b *testing.B) {
	enc := encodeUpdate(benchUpdate())
	b.ReportAllocs()
	b.SetBytes(int64(len(enc)))
	for i := 0; i < b.N; i++ {
		if _, err := decodeFrame(enc); err != nil {
			b.Fatal(err)
		}
	}
}

package app

import (
	"github.com/etcd-play/etcd-play/app/engine"
	"testing"
	"time"
)

// The event log takes new events at most every logEvery; events that
// arrive in between wait for the next refresh after it, even one that
// brings no new events, so none is held back for long or lost.
func TestEventLogUpdatesAtMostEveryLogEvery(t *testing.T) {
	p := New(Options{}).(*playground)
	ev := func(seq uint64) []engine.EventView {
		return []engine.EventView{{Seq: seq, Kind: "snapshot-saved", Text: "snap"}}
	}
	shown := func() []uint64 {
		var s []uint64
		for _, e := range p.events {
			s = append(s, e.Seq)
		}
		return s
	}
	t0 := time.Unix(100, 0)
	p.apply(liveView{}, ev(1), t0)
	if got := shown(); len(got) != 1 || got[0] != 1 {
		t.Fatalf("first refresh: log shows %v, want [1]", got)
	}
	p.apply(liveView{}, ev(2), t0.Add(100*time.Millisecond))
	p.apply(liveView{}, ev(3), t0.Add(200*time.Millisecond))
	if got := shown(); len(got) != 1 {
		t.Fatalf("within logEvery: log shows %v, want only [1]", got)
	}
	key := p.panelKey(panelLog)
	p.apply(liveView{}, nil, t0.Add(logEvery))
	if got := shown(); len(got) != 3 || got[2] != 3 {
		t.Fatalf("a refresh without new events after logEvery: log shows %v, want [1 2 3]", got)
	}
	if p.panelKey(panelLog) == key {
		t.Fatal("the log panel's key did not change with the new events")
	}
	p.apply(liveView{}, nil, t0.Add(3*logEvery))
	if got := shown(); len(got) != 3 {
		t.Fatalf("nothing new: log shows %v", got)
	}
}

package app

import (
	"errors"
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

// A refresh is skipped only when the engine shows nothing new: any change
// of what a panel draws from the view makes sameCluster false.
func TestSameClusterSeesEveryChange(t *testing.T) {
	base := func() liveView {
		return liveView{
			members:  []engine.MemberView{{ID: 1, Name: "etcd-1", State: "leader", Term: 2, Progress: []engine.FollowerProgress{{ID: 2, Match: 3}}}},
			links:    []engine.LinkView{{From: 1, To: 2, Delivered: 5}},
			now:      10,
			messages: []engine.MessageView{{ID: 1}},
			msgTotal: 1,
		}
	}
	a, b := base(), base()
	if !a.sameCluster(&b) {
		t.Fatal("two copies of one view differ")
	}
	b.at, b.tickRate, b.known, b.activity = time.Now(), 12, map[uint64]knownMember{1: {}}, map[linkKey]uint64{{1, 2}: 3}
	if !a.sameCluster(&b) {
		t.Error("what the refresh goroutine derives made the views differ")
	}
	// The engine measures a run's seconds per tick anew for every update:
	// that alone is not a change worth a redraw.
	b.stress.TickSeconds = 0.02
	if !a.sameCluster(&b) {
		t.Error("a new measure of the run's seconds per tick made the views differ")
	}
	for name, change := range map[string]func(*liveView){
		"clock":             func(v *liveView) { v.now++ },
		"paused":            func(v *liveView) { v.paused = true },
		"member":            func(v *liveView) { v.members[0].Term++ },
		"follower progress": func(v *liveView) { v.members[0].Progress[0].Match++ },
		"link":              func(v *liveView) { v.links[0].Delivered++ },
		"message":           func(v *liveView) { v.messages[0].ID++ },
		"messages":          func(v *liveView) { v.msgTotal++ },
		"connection":        func(v *liveView) { v.conn = errors.New("disconnected") },
		"stress run":        func(v *liveView) { v.stressOn = true },
		"progress of a run": func(v *liveView) { v.stress.Done = 1 },
		"settings":          func(v *liveView) { v.settings.PreVote = true },
		"settable":          func(v *liveView) { v.settable = true },
		"run":               func(v *liveView) { v.stressOf++ },
		"timeline":          func(v *liveView) { v.timeline.Rewinds++ },
		"verdict":           func(v *liveView) { v.hasVerdict = true },
		"speed":             func(v *liveView) { v.speed = 5 },
		"restarting":        func(v *liveView) { v.restarting = []uint64{1} },
	} {
		c := base()
		change(&c)
		if a.sameCluster(&c) {
			t.Errorf("a change of the %s went unseen", name)
		}
	}
}

package app

import (
	"slices"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
)

// Between a refresh's two frames (frameLive) the root gives the live
// panels their current keys and the others the keys they were last drawn
// with; the second frame gives every panel its current key.
func TestLivePhaseHoldsTheSlowPanels(t *testing.T) {
	p := New(Options{}).(*playground)
	view := func(rev int64, now uint64) liveView {
		return liveView{now: now, members: []engine.MemberView{{ID: 1, Name: "etcd-1", State: "leader", Revision: rev}}}
	}
	p.apply(view(1, 10), nil, p.eventsAt)
	drawn := map[panelKind]string{}
	for _, k := range []panelKind{panelCards, panelRevisions, panelHeader} {
		drawn[k] = p.newPanel(k).Key
	}
	// A refresh with a new revision and tick: its first frame.
	p.apply(view(2, 11), nil, p.eventsAt)
	p.frame = frameLive
	if got := p.newPanel(panelRevisions).Key; got != drawn[panelRevisions] {
		t.Errorf("first frame: the revisions panel (slow) got key %q, want the drawn %q", got, drawn[panelRevisions])
	}
	for _, k := range []panelKind{panelCards, panelHeader} {
		if got := p.newPanel(k).Key; got == drawn[k] || got != p.panelKey(k) {
			t.Errorf("first frame: live panel %d got key %q (drawn %q, current %q)", k, got, drawn[k], p.panelKey(k))
		}
	}
	// Its second frame.
	p.frame = frameAll
	if got := p.newPanel(panelRevisions).Key; got == drawn[panelRevisions] || got != p.panelKey(panelRevisions) {
		t.Errorf("second frame: the revisions panel got key %q, want its current %q", got, p.panelKey(panelRevisions))
	}
}

// The first refresh after a load (deferred) draws only the cards and the
// header in its first frame; the view and the hash indicator, live panels
// otherwise, wait for its second.
func TestFirstRefreshDrawsTheCardsFirst(t *testing.T) {
	p := New(Options{}).(*playground)
	p.deferred = true
	drawn := map[panelKind]string{}
	for _, k := range []panelKind{panelCards, panelHeader, panelView, panelHash} {
		drawn[k] = p.newPanel(k).Key // the mount: no cluster yet
	}
	p.apply(liveView{now: 3, members: []engine.MemberView{{ID: 1, Name: "etcd-1", State: "leader", Revision: 1, Hash: 7, HashRevision: 1}}}, nil, p.eventsAt)
	p.frame = frameLive
	for _, k := range []panelKind{panelView, panelHash} {
		if got := p.newPanel(k).Key; got != drawn[k] {
			t.Errorf("first frame: panel %d got key %q, want the drawn %q", k, got, drawn[k])
		}
	}
	for _, k := range []panelKind{panelCards, panelHeader} {
		if got := p.newPanel(k).Key; got == drawn[k] {
			t.Errorf("first frame: panel %d kept its drawn key %q", k, got)
		}
	}
	p.frame, p.deferred = frameAll, false // the second frame
	for _, k := range []panelKind{panelView, panelHash} {
		if got := p.newPanel(k).Key; got == drawn[k] || got != p.panelKey(k) {
			t.Errorf("second frame: panel %d got key %q, want its current %q", k, got, p.panelKey(k))
		}
	}
}

// On a fast cluster a refresh's first frame draws the cards, the hash
// indicator and the header but not the view; the second frames draw the
// view, then the other panels, by turns. The first refresh after a load and a
// slow cluster's second frames draw everything.
func TestFastClusterDrawsTheViewByTurns(t *testing.T) {
	p := New(Options{}).(*playground)
	p.speed = msgMaxSpeed * 10
	view := func(rev int64, now uint64) liveView {
		return liveView{now: now, members: []engine.MemberView{{ID: 1, Name: "etcd-1", State: "leader", Term: uint64(rev), Revision: rev, HashRevision: rev}}}
	}
	kinds := []panelKind{panelCards, panelHeader, panelView, panelHash, panelRevisions}
	drawn := map[panelKind]string{}
	draw := func() {
		for _, k := range kinds {
			drawn[k] = p.newPanel(k).Key
		}
	}
	// check draws a frame and wants the panels in current redrawn and the
	// others holding the keys they were last drawn with.
	check := func(frame string, current ...panelKind) {
		t.Helper()
		for _, k := range kinds {
			before := drawn[k]
			got := p.newPanel(k).Key
			switch want := slices.Contains(current, k); {
			case want && (got == before || got != p.panelKey(k)):
				t.Errorf("%s: panel %d got key %q, want its current %q", frame, k, got, p.panelKey(k))
			case !want && got != before:
				t.Errorf("%s: panel %d got key %q, want the drawn %q", frame, k, got, before)
			}
			drawn[k] = got
		}
	}
	p.deferred = true
	draw() // the mount
	p.apply(view(1, 10), nil, p.eventsAt)
	p.frame = frameLive
	check("first refresh, first frame", panelCards, panelHeader)
	if got := p.secondFrame(); got != frameAll {
		t.Fatalf("first refresh's second frame draws part %d, want everything", got)
	}
	p.frame, p.deferred = frameAll, false
	check("first refresh, second frame", panelView, panelHash, panelRevisions)

	for i, want := range []framePart{frameView, frameRest, frameView} {
		p.apply(view(int64(i+2), uint64(i+11)), nil, p.eventsAt)
		p.frame = frameLive
		check("first frame", panelCards, panelHeader, panelHash)
		if p.frame = p.secondFrame(); p.frame != want {
			t.Fatalf("second frame %d draws part %d, want %d", i, p.frame, want)
		}
		if want == frameView {
			check("view's turn", panelView)
		} else {
			check("the others' turn", panelRevisions)
		}
	}

	// Slowed down: the view is live again, and second frames draw it all.
	p.speed = msgMaxSpeed
	p.apply(view(9, 20), nil, p.eventsAt)
	p.frame = frameLive
	check("slow, first frame", panelCards, panelHeader, panelView, panelHash)
	if got := p.secondFrame(); got != frameAll {
		t.Errorf("slow cluster's second frame draws part %d, want everything", got)
	}
}

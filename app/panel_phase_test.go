package app

import (
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
)

// Between a refresh's two frames (livePhase) the root gives the live
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
	p.livePhase = true
	if got := p.newPanel(panelRevisions).Key; got != drawn[panelRevisions] {
		t.Errorf("first frame: the revisions panel (slow) got key %q, want the drawn %q", got, drawn[panelRevisions])
	}
	for _, k := range []panelKind{panelCards, panelHeader} {
		if got := p.newPanel(k).Key; got == drawn[k] || got != p.panelKey(k) {
			t.Errorf("first frame: live panel %d got key %q (drawn %q, current %q)", k, got, drawn[k], p.panelKey(k))
		}
	}
	// Its second frame.
	p.livePhase = false
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
	p.livePhase = true
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
	p.livePhase, p.deferred = false, false // the second frame
	for _, k := range []panelKind{panelView, panelHash} {
		if got := p.newPanel(k).Key; got == drawn[k] || got != p.panelKey(k) {
			t.Errorf("second frame: panel %d got key %q, want its current %q", k, got, p.panelKey(k))
		}
	}
}

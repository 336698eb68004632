package app

import (
	"github.com/etcd-play/etcd-play/app/engine"
	"strings"
	"testing"
	"time"
)

// The hash indicator agrees only when every live member is at the same
// revision; during a split it names who is behind, at which revision, and
// the majority's revision.
func TestCompareMembers(t *testing.T) {
	m := func(id uint64, rev int64) engine.MemberView {
		return engine.MemberView{ID: id, Name: "etcd-" + itoa(id), State: "follower", Revision: rev, HashRevision: 1, Hash: 7}
	}
	c := compareMembers([]engine.MemberView{m(1, 1), m(2, 1), m(3, 4), m(4, 4), m(5, 4)}, 5)
	if c.state != "behind" || c.top != 4 || len(c.behind) != 2 ||
		!strings.HasPrefix(c.text, "etcd-1, etcd-2 at revision 1: behind the majority at revision 4") {
		t.Errorf("split 2|3: %+v", c)
	}
	c = compareMembers([]engine.MemberView{m(1, 3), m(2, 1), m(3, 5)}, 5)
	if c.state != "behind" || !strings.HasPrefix(c.text, "etcd-2 at revision 1; etcd-1 at revision 3: behind etcd-3 at revision 5") {
		t.Errorf("two members down, three revisions: %+v", c)
	}
	c = compareMembers([]engine.MemberView{m(1, 4), m(2, 4)}, 5)
	if c.state != "agree" || !strings.HasPrefix(c.text, "hashes agree at revision 1") {
		t.Errorf("same revision: %+v", c)
	}
	d := m(2, 4)
	d.Hash = 8
	if c = compareMembers([]engine.MemberView{m(1, 4), d}, 5); c.state != "differ" {
		t.Errorf("different hashes: %+v", c)
	}
	if c = compareMembers(nil, 5); c.state != "none" {
		t.Errorf("no live member: %+v", c)
	}
}

// The tick meter reports the ticks per second over the last tickWindow,
// and restarts when the clock goes back (a reset cluster).
func TestTickMeter(t *testing.T) {
	var m tickMeter
	t0 := time.Unix(100, 0)
	if r := m.observe(0, t0); r != 0 {
		t.Fatalf("first sighting: %v", r)
	}
	if r := m.observe(5, t0.Add(100*time.Millisecond)); r != 0 {
		t.Fatalf("under tickMinWindow: %v", r)
	}
	if r := m.observe(100, t0.Add(time.Second)); r != 100 {
		t.Fatalf("after 1 s: %v, want 100", r)
	}
	// A burst: nothing for 1 s, then 30 ticks at once; 130 ticks in 2 s.
	m.observe(100, t0.Add(1500*time.Millisecond))
	if r := m.observe(130, t0.Add(2*time.Second)); r != 65 {
		t.Fatalf("after 2 s: %v, want 65", r)
	}
	// The window slides: from the sample at 1 s (100) to 3 s (140).
	if r := m.observe(140, t0.Add(3*time.Second)); r != 20 {
		t.Fatalf("after 3 s: %v, want 20 (samples %v)", r, m.samples)
	}
	if r := m.observe(3, t0.Add(4*time.Second)); r != 0 {
		t.Fatalf("a clock that went back: %v", r)
	}
}

// The Faults notice of a stress run says done only once the run is done.
func TestStressNoticeText(t *testing.T) {
	p := New(Options{}).(*playground)
	p.notice, p.stress.label = "stress 10 puts", "stress 10 puts"
	if got := p.noticeText(); got != "stress 10 puts: started" {
		t.Errorf("before the engine answered: %q", got)
	}
	p.stress.run = 1
	p.view.stressOn, p.view.stressOf = true, 1
	p.view.stress = engine.StressProgress{Total: 10, Done: 4, Running: true}
	if got := p.noticeText(); got != "stress 10 puts: running, 4 of 10 so far" {
		t.Errorf("running: %q", got)
	}
	p.view.stress = engine.StressProgress{Total: 10, Done: 10, OK: 9, Failed: 1}
	if got := p.noticeText(); got != "stress 10 puts: done, 9 ok, 1 failed" {
		t.Errorf("done: %q", got)
	}
	p.view.stress = engine.StressProgress{Total: 10, Done: 6}
	if got := p.noticeText(); got != "stress 10 puts: stopped, at 6 of 10" {
		t.Errorf("stopped: %q", got)
	}
	p.notice = "kill etcd-1: done"
	if got := p.noticeText(); got != p.notice {
		t.Errorf("another action's notice: %q", got)
	}
}

// A down member's values are remembered from its last sighting while up.
func TestRememberKeepsLastSightingWhileUp(t *testing.T) {
	up := engine.MemberView{ID: 1, State: "follower", Revision: 5}
	k := remember(nil, []engine.MemberView{up}, 10)
	k2 := remember(k, []engine.MemberView{{ID: 1, State: "down"}}, 20)
	if got := k2[1]; got.Revision != 5 || got.At != 10 {
		t.Errorf("after going down: %+v", got)
	}
}

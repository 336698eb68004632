package app

import (
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"
	"strings"
	"testing"
	"time"
)

func TestLogWindowKeepsTheNewestRows(t *testing.T) {
	var evs []engine.EventView
	for i := 1; i <= 300; i++ {
		evs = append(evs, engine.EventView{Seq: uint64(i), Kind: []string{"fault", "client"}[i%2]})
	}
	all := func(engine.EventView) bool { return true }
	for n := 1; n <= 300; n++ {
		w := logWindow(evs[:n], all)
		if len(w) != min(n, maxLogRows) || w[len(w)-1].Seq != uint64(n) || w[0].Seq != uint64(n-len(w)+1) {
			t.Fatalf("%d events: window of %d from %d to %d", n, len(w), w[0].Seq, w[len(w)-1].Seq)
		}
	}
	faults := logWindow(evs, func(ev engine.EventView) bool { return logMatches("fault", ev) })
	if len(faults) != maxLogRows {
		t.Fatalf("%d fault rows; want %d", len(faults), maxLogRows)
	}
	for _, ev := range faults {
		if ev.Kind != "fault" {
			t.Fatalf("filter let %q through", ev.Kind)
		}
	}
}

func TestSplitGroups(t *testing.T) {
	tests := []struct {
		ids        []uint64
		minor, maj string
	}{
		{[]uint64{1, 2, 3, 4, 5}, "[1 2]", "[3 4 5]"},
		{[]uint64{1, 2, 3}, "[1]", "[2 3]"},
		{[]uint64{1}, "[]", "[1]"},
	}
	for _, tt := range tests {
		a, b := splitGroups(tt.ids)
		if fmt.Sprint(a) != tt.minor || fmt.Sprint(b) != tt.maj {
			t.Errorf("splitGroups(%v) = %v | %v", tt.ids, a, b)
		}
	}
}

func TestLinkFormParse(t *testing.T) {
	tests := []struct {
		f       linkForm
		drop    float64
		delay   int
		wantErr string
	}{
		{linkForm{from: 1, to: 2}, 0, 0, ""},
		{linkForm{from: 1, to: 2, dropPct: "25", delay: "3"}, 0.25, 3, ""},
		{linkForm{from: 1, to: 2, dropPct: "100", delay: "100"}, 1, 100, ""},
		{linkForm{from: 1, to: 1}, 0, 0, "two different members"},
		{linkForm{from: 1, to: 2, dropPct: "101"}, 0, 0, "percentage"},
		{linkForm{from: 1, to: 2, dropPct: "-1"}, 0, 0, "percentage"},
		{linkForm{from: 1, to: 2, dropPct: "NaN"}, 0, 0, "percentage"},
		{linkForm{from: 1, to: 2, dropPct: "x"}, 0, 0, "percentage"},
		{linkForm{from: 1, to: 2, delay: "1.5"}, 0, 0, "whole number"},
		{linkForm{from: 1, to: 2, delay: "101"}, 0, 0, "whole number"},
	}
	for _, tt := range tests {
		drop, delay, err := tt.f.parse()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%+v: error %v, want %q", tt.f, err, tt.wantErr)
			}
			continue
		}
		if err != nil || drop != tt.drop || delay != tt.delay {
			t.Errorf("%+v: %v %v %v", tt.f, drop, delay, err)
		}
	}
}

func TestChartSampling(t *testing.T) {
	var c chartState
	t0 := time.Unix(100, 0)
	ms := func(rev int64, applied uint64) []engine.MemberView {
		return []engine.MemberView{{ID: 1, Revision: rev, Applied: applied}, {ID: 2, Revision: rev - 1, Applied: applied - 1}}
	}
	c.sample(ms(10, 20), t0)
	c.sample(ms(20, 30), t0.Add(100*time.Millisecond)) // too soon: ignored
	if len(c.samples) != 0 {
		t.Fatalf("sampled before chartEvery: %d", len(c.samples))
	}
	c.sample(ms(60, 80), t0.Add(time.Second))
	if len(c.samples) != 1 || c.samples[0].writesPerSec != 50 || c.samples[0].applied[2] != 79 {
		t.Fatalf("sample = %+v, want 50 writes/s and member 2 at 79", c.samples)
	}
	for i := 2; i < 200; i++ {
		c.sample(ms(60, 80), t0.Add(time.Duration(i)*time.Second))
	}
	if len(c.samples) != chartSamples || c.samples[len(c.samples)-1].writesPerSec != 0 {
		t.Fatalf("%d samples kept, last %+v", len(c.samples), c.samples[len(c.samples)-1])
	}
}

func TestCapLines(t *testing.T) {
	if got := capLines("a\nb", 5); got != "a\nb" {
		t.Errorf("short output changed: %q", got)
	}
	if got := capLines("1\n2\n3\n4\n5", 2); got != "1\n2\n… 3 more lines not shown" {
		t.Errorf("capLines = %q", got)
	}
}

func TestLiveViewLeaderPrefersHighestTerm(t *testing.T) {
	v := liveView{members: []engine.MemberView{{ID: 1, State: "leader", Term: 2}, {ID: 2, State: "leader", Term: 3}, {ID: 3, State: "follower", Term: 3}}}
	if got := v.leader(); got != 2 {
		t.Errorf("leader() = %d, want 2 (the higher term)", got)
	}
	if got := (liveView{}).leader(); got != 0 {
		t.Errorf("no members: leader %d", got)
	}
}

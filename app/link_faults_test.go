package app

import (
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
)

func TestLinkFormParseDuplicateReorder(t *testing.T) {
	tests := []struct {
		f       linkForm
		dup     float64
		reorder int
		wantErr string
	}{
		{linkForm{}, 0, 0, ""},
		{linkForm{duplicatePct: "25", reorder: "3"}, 0.25, 3, ""},
		{linkForm{duplicatePct: "100", reorder: "20"}, 1, 20, ""},
		{linkForm{duplicatePct: "101"}, 0, 0, "duplicate must be a percentage"},
		{linkForm{duplicatePct: "-1"}, 0, 0, "duplicate must be a percentage"},
		{linkForm{duplicatePct: "NaN"}, 0, 0, "duplicate must be a percentage"},
		{linkForm{duplicatePct: "x"}, 0, 0, "duplicate must be a percentage"},
		{linkForm{reorder: "1.5"}, 0, 0, "reorder must be a whole number"},
		{linkForm{reorder: "21"}, 0, 0, "reorder must be a whole number"},
		{linkForm{reorder: "-2"}, 0, 0, "reorder must be a whole number"},
	}
	for _, tt := range tests {
		dup, reorder, err := tt.f.parseDupReorder()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%+v: error %v, want %q", tt.f, err, tt.wantErr)
			}
			continue
		}
		if err != nil || dup != tt.dup || reorder != tt.reorder {
			t.Errorf("%+v: %v %v %v", tt.f, dup, reorder, err)
		}
	}
}

func TestLinkLabelShowsDuplicateReorder(t *testing.T) {
	v := liveView{}
	l := engine.LinkView{From: 1, To: 2, Duplicate: 0.3, Reorder: 4, Sent: 10, Delivered: 12, Duplicated: 2}
	got := linkLabel(v, l)
	for _, want := range []string{"duplicates 30%", "reorders within 4 ticks", "2 duplicated"} {
		if !strings.Contains(got, want) {
			t.Errorf("label %q lacks %q", got, want)
		}
	}
	if c := linkClass(l); c != "link flaky" {
		t.Errorf("class %q, want link flaky", c)
	}
	if got := linkLabel(v, engine.LinkView{From: 1, To: 2, Reorder: 1}); !strings.Contains(got, "healthy") {
		t.Errorf("a window of 1 tick keeps order, yet the label says %q", got)
	}
}

// The Links panel lists the faulty links by their faults only: traffic on
// a delayed link (every tick's sent, delivered and in-flight counts) does
// not re-render it, a fault changed does.
func TestLinksPanelKeyIgnoresTraffic(t *testing.T) {
	p := &playground{}
	slow := engine.LinkView{From: 1, To: 2, Delay: 3, Sent: 10, Delivered: 7, InFlight: 3}
	p.view.links = []engine.LinkView{slow, {From: 2, To: 1, Sent: 5}}
	key := p.panelKey(panelLinks)
	busier := slow
	busier.Sent, busier.Delivered, busier.InFlight, busier.SentByType[3] = 40, 31, 9, 40
	p.view.links = []engine.LinkView{busier, {From: 2, To: 1, Sent: 50, Delivered: 50}}
	if got := p.panelKey(panelLinks); got != key {
		t.Fatalf("traffic changed the Links panel's key: %q -> %q", key, got)
	}
	for _, l := range []engine.LinkView{
		{From: 1, To: 2, Delay: 4}, {From: 1, To: 2, Delay: 3, Drop: 0.5}, {From: 1, To: 2, Delay: 3, Duplicate: 0.1},
		{From: 1, To: 2, Delay: 3, Reorder: 2}, {From: 1, To: 2, Delay: 3, Cut: true},
	} {
		p.view.links = []engine.LinkView{l}
		if p.panelKey(panelLinks) == key {
			t.Errorf("link %+v: the key did not change with the fault", l)
		}
	}
}

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

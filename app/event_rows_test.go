package app

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// applyEdits runs diffRows' edits on rows as logRows does on the page.
func applyEdits(t *testing.T, rows []uint64, edits []rowEdit) []uint64 {
	t.Helper()
	rows = slices.Clone(rows)
	for _, e := range edits {
		if e.remove {
			if e.at >= len(rows) || rows[e.at] != e.seq {
				t.Fatalf("edit %+v removes a row that is not there: %v", e, rows)
			}
			rows = slices.Delete(rows, e.at, e.at+1)
			continue
		}
		rows = slices.Insert(rows, e.at, e.seq)
	}
	return rows
}

// The edits turn the rows shown into the rows wanted, and touch no row
// that is in both: a new event is one insertion at the top, and the row
// that left the window one removal at the bottom.
func TestDiffRows(t *testing.T) {
	shown := []uint64{9, 8, 7, 6}
	edits := diffRows(shown, []uint64{10, 9, 8, 7})
	want := []rowEdit{{at: 0, seq: 10}, {remove: true, at: 4, seq: 6}}
	if !slices.Equal(edits, want) {
		t.Fatalf("a new event: edits %+v; want %+v", edits, want)
	}
	if e := diffRows(shown, shown); len(e) != 0 {
		t.Fatalf("nothing new: edits %+v", e)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() []uint64 { // a random subset of 1..40, newest first
		var s []uint64
		for seq := uint64(40); seq > 0; seq-- {
			if rng.IntN(3) == 0 {
				s = append(s, seq)
			}
		}
		return s
	}
	for range 2000 {
		a, b := pick(), pick()
		edits := diffRows(a, b)
		if got := applyEdits(t, a, edits); !slices.Equal(got, b) {
			t.Fatalf("diffRows(%v, %v) gave %v", a, b, got)
		}
		kept := 0
		for _, seq := range a {
			if slices.Contains(b, seq) {
				kept++
			}
		}
		if len(edits) != len(a)+len(b)-2*kept {
			t.Fatalf("diffRows(%v, %v): %d edits, want %d (a row in both was touched)", a, b, len(edits), len(a)+len(b)-2*kept)
		}
	}
}

package app

import (
	"slices"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
)

// A message keeps its place among the layer's children for its whole
// flight; a delivered one's place is taken by the next new message, and
// trailing free places are dropped.
func TestPlaceMessagesKeepsPlaces(t *testing.T) {
	p := &playground{}
	msgs := func(ids ...uint64) []engine.MessageView {
		var ms []engine.MessageView
		for _, id := range ids {
			ms = append(ms, engine.MessageView{ID: id})
		}
		return ms
	}
	step := func(want []uint64, ids ...uint64) {
		t.Helper()
		ms := msgs(ids...)
		at := p.placeMessages(ms)
		if !slices.Equal(p.msgs.slots, want) {
			t.Fatalf("messages %v: places %v, want %v", ids, p.msgs.slots, want)
		}
		for i, j := range at {
			if (j < 0) != (want[i] == 0) || (j >= 0 && ms[j].ID != want[i]) {
				t.Fatalf("messages %v: place %d shows index %d, want message %d", ids, i, j, want[i])
			}
		}
	}
	step([]uint64{1, 2, 3}, 1, 2, 3)
	// 1 delivered, 4 sent: 4 takes 1's place; 2 and 3 stay where they were
	// (by position they would all have moved).
	step([]uint64{4, 2, 3}, 2, 3, 4)
	step([]uint64{4, 5, 3}, 3, 4, 5) // 5 takes the free place of 2
	step([]uint64{4, 0, 3}, 3, 4)
	// Trailing free places go.
	step([]uint64{4}, 4)
	step([]uint64{4, 6, 7}, 6, 4, 7)
	step(nil)
}

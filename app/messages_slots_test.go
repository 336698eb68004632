package app

import (
	"slices"
	"strings"
	"testing"
	"time"

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

// A message's motion is fixed for its flight: later ticks leave it as it
// was (the canvas keeps animating it from when it got it). Pausing, a new
// speed or the clock going back (a rewind: the same IDs fly anew) give it
// a new one.
func TestMessageMotionFixedUntilEpochChanges(t *testing.T) {
	p := &playground{speed: 2}
	msg := engine.MessageView{ID: 7, Type: "MsgApp", From: 1, To: 2, Sent: 10, Due: 14}
	idx := map[uint64]int{1: 0, 2: 1}
	pts := positions(2)
	t0 := time.Unix(100, 0)
	motion := func(now uint64, paused bool, at time.Time) string {
		t.Helper()
		p.view = liveView{now: now, paused: paused, messages: []engine.MessageView{msg}}
		p.noteMessages(p.view, at)
		p.msgs.clock.wall = func() time.Time { return at } // rendered as the tick arrives
		p.renderMessages(idx, pts)
		return p.msgs.motions[msg.ID]
	}
	first := motion(10, false, t0)
	if f := strings.Fields(first); len(f) != 6 || f[4] != "2.000" || f[5] != "0.500" {
		t.Fatalf("at tick 10, 2 ticks/s: motion %q, want 4 ticks in 2 s, starting in 0.5 s", first)
	}
	if got := motion(11, false, t0.Add(500*time.Millisecond)); got != first {
		t.Fatalf("a tick later: motion %q, want it unchanged %q", got, first)
	}
	p.speed = 4
	bySpeed := motion(12, false, t0.Add(time.Second))
	if bySpeed == first || !strings.HasSuffix(bySpeed, " 1.000 -0.250") {
		t.Fatalf("at 4 ticks/s, tick 12: motion %q, want 1 s of flight, started 0.25 s ago", bySpeed)
	}
	if got := motion(9, false, t0.Add(2*time.Second)); got == bySpeed || !strings.HasSuffix(got, " 0.500") {
		t.Fatalf("rewound to tick 9: motion %q, want it anew, starting in 0.5 s", got)
	}
	if got := motion(9, true, t0.Add(3*time.Second)); got != "" || !p.msgs.drawn.paused {
		t.Fatalf("paused: motion %q (drawn %+v), want none: the element stands still", got, p.msgs.drawn)
	}
}

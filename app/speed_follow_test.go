package app

import "testing"

// The speed control follows each speed the engine reports, but a report
// taken before the reader's own choice reached the engine does not undo it.
func TestFollowSpeed(t *testing.T) {
	p := &playground{speed: 20}
	step := func(report, want float64, what string) {
		t.Helper()
		p.followSpeed(report)
		if p.speed != want {
			t.Fatalf("%s: the control shows %g, want %g", what, p.speed, want)
		}
	}
	step(0, 20, "no report")
	step(20, 20, "the start's speed")
	p.speed = 1000 // the reader picks 1000
	step(20, 1000, "a report from before the reader's choice")
	step(1000, 1000, "the engine took the reader's choice")
	step(5, 5, "a tour's speed 5")
	step(5, 5, "the same report again")
	step(1000, 1000, "a benchmark at the fastest speed")
}

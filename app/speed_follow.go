package app

// followSpeed makes the speed control (controls.go) show the engine's
// speed whoever set it: a tour's speed action, a benchmark, a deep link's
// fast forward, another page of a shared native cluster. p.speed follows
// each change the engine reports (s, engine.SpeedReporter; 0: not
// reported, nothing to follow). A report equal to the previous one
// changes nothing: a refresh taken before the page's own SetSpeed reached
// the engine still reports the old speed, and must not undo the reader's
// choice. UI goroutine (apply).
func (p *playground) followSpeed(s float64) {
	if s <= 0 || s == p.engSpeed {
		return
	}
	p.engSpeed, p.speed = s, s
}

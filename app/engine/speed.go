package engine

// SpeedReporter is an Engine that reports its real-time driver's tick
// rate: what SetSpeed last set, whoever called it (the page's speed
// control, a tour's speed action, a benchmark, another page of a shared
// native cluster). app/engine/local's engines and a Client's implement
// it; the page's speed control shows it.
type SpeedReporter interface {
	// Speed returns the tick rate, ticks per second (as ClampSpeed
	// clamps it; 0: not known yet).
	Speed() float64
}

var _ SpeedReporter = (*remote)(nil)

// Speed returns the speed of the latest update (Update.Speed): a SetSpeed
// shows there once the engine handled it; 0 before the first update.
func (r *remote) Speed() float64 {
	return readView(r.c, func(v *view) float64 { return v.speed })
}

package cluster

import (
	"sync"
	"time"
)

// Driver ticks a cluster in real time from its own goroutine, for the
// browser. It is the only code in the engine that reads the wall clock, and
// only to decide WHEN to call Cluster.Tick: what a tick does depends on the
// actions queued before it, never on time, so a driven run equals a simulated
// one with the same actions before the same ticks.
//
// Pacing: while playing, the driver runs the ticks that are due, working at
// most workSlice before it waits (waitFor: a Go timer natively, a browser
// timer under js/wasm, so the page's single thread goes back to the
// browser). If the timer's callback ran more than lateAfter before the
// driver got the thread back, other goroutines spent that browser task, so
// it waits for a fresh one (up to 4 times) rather than adding a work slice
// to theirs. When it falls behind by more than maxLag it drops the backlog
// rather than rushing.
type Driver struct {
	c *Cluster

	mu     sync.Mutex
	paused bool
	tps    float64
	closed bool

	wake  chan struct{}      // buffered(1): state changed
	steps chan chan struct{} // Step requests, answered when the tick ran
	exit  chan struct{}      // closed when the goroutine ends
}

const (
	workSlice = 8 * time.Millisecond
	minSleep  = time.Millisecond
	lateAfter = 4 * time.Millisecond
	maxLag    = 250 * time.Millisecond
	// MaxTicksPerSecond bounds SetSpeed.
	MaxTicksPerSecond = 100000
)

// NewDriver starts a paused driver for c at ticksPerSecond (clamped to
// (0, MaxTicksPerSecond]; <= 0 means 10).
func NewDriver(c *Cluster, ticksPerSecond float64) *Driver {
	d := &Driver{
		c: c, paused: true, tps: clampSpeed(ticksPerSecond),
		wake: make(chan struct{}, 1), steps: make(chan chan struct{}), exit: make(chan struct{}),
	}
	go d.run()
	return d
}

func clampSpeed(tps float64) float64 {
	if !(tps > 0) {
		return 10
	}
	return min(tps, MaxTicksPerSecond)
}

// Play starts ticking in real time.
func (d *Driver) Play() { d.set(func() { d.paused = false }) }

// Pause stops ticking after the current tick.
func (d *Driver) Pause() { d.set(func() { d.paused = true }) }

// SetSpeed changes the tick rate.
func (d *Driver) SetSpeed(ticksPerSecond float64) {
	tps := clampSpeed(ticksPerSecond)
	d.set(func() { d.tps = tps })
}

// Paused reports whether the driver is paused.
func (d *Driver) Paused() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.paused
}

// Step pauses the driver (if playing) and runs exactly one tick, returning
// when that tick has run. After Close it does nothing.
func (d *Driver) Step() {
	d.Pause()
	done := make(chan struct{})
	select {
	case d.steps <- done:
		<-done
	case <-d.exit:
	}
}

// Close stops the driver's goroutine and waits for it to end.
func (d *Driver) Close() {
	d.set(func() { d.closed = true })
	<-d.exit
}

func (d *Driver) set(f func()) {
	d.mu.Lock()
	f()
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *Driver) state() (paused, closed bool, tps float64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.paused, d.closed, d.tps
}

func (d *Driver) run() {
	defer close(d.exit)
	var next time.Time // when the next tick is due while playing
	for {
		paused, closed, tps := d.state()
		if closed {
			return
		}
		if paused {
			next = time.Time{}
			select {
			case <-d.wake:
			case done := <-d.steps:
				d.c.Tick()
				close(done)
			}
			continue
		}
		interval := time.Duration(float64(time.Second) / tps)
		now := time.Now()
		if next.IsZero() || now.Sub(next) > maxLag {
			next = now
		}
		for start := now; !now.Before(next) && now.Sub(start) < workSlice; now = time.Now() {
			d.c.Tick()
			next = next.Add(interval)
		}
		wait := max(time.Until(next), minSleep)
		for i := 0; i < 4; i++ {
			done, late := waitFor(wait, d.wake, d.steps)
			if done != nil {
				d.c.Tick()
				close(done)
				break
			}
			if late <= lateAfter {
				break
			}
			wait = 0
		}
	}
}

package app

import (
	"sync"
	"time"
)

// driver ticks a cluster in real time for the page. It paces like
// cluster.Driver (runs the ticks that are due, working at most workSlice
// before it waits; drops a backlog older than maxLag rather than rushing),
// but it waits with yieldFor, which under js/wasm is a browser timer: the Go
// runtime returns the thread to the browser only when no goroutine is
// runnable and no Go timer is due, and with the page's other goroutines
// (go-app's frame ticker, the refresh loop) a Go-timer sleep of a
// millisecond was always due again by the time they finished, so
// cluster.Driver's waits never reached the browser under load (measured:
// Long Tasks of 100-400 ms). What a tick does never depends on when it runs.
type driver struct {
	tick func() // Cluster.Tick

	mu     sync.Mutex
	paused bool
	tps    float64
	closed bool

	wake  chan struct{}      // buffered(1): state changed
	steps chan chan struct{} // Step requests, answered once the tick ran
	exit  chan struct{}      // closed when the goroutine ends
}

const (
	workSlice = 8 * time.Millisecond
	lateAfter = 4 * time.Millisecond // see run
	maxLag    = 250 * time.Millisecond
	maxSpeed  = 1000.0 // ticks per second
)

// newDriver starts a paused driver calling tick ticksPerSecond times a
// second once playing.
func newDriver(tick func(), ticksPerSecond float64) *driver {
	d := &driver{tick: tick, paused: true, tps: clampSpeed(ticksPerSecond),
		wake: make(chan struct{}, 1), steps: make(chan chan struct{}), exit: make(chan struct{})}
	go d.run()
	return d
}

func clampSpeed(tps float64) float64 {
	if !(tps > 0) {
		return defaultSpeed
	}
	return min(tps, maxSpeed)
}

func (d *driver) Play()  { d.set(func() { d.paused = false }) }
func (d *driver) Pause() { d.set(func() { d.paused = true }) }

func (d *driver) SetSpeed(tps float64) {
	tps = clampSpeed(tps)
	d.set(func() { d.tps = tps })
}

func (d *driver) Paused() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.paused
}

// Step pauses the driver and runs exactly one tick, returning once it ran.
func (d *driver) Step() {
	d.Pause()
	done := make(chan struct{})
	select {
	case d.steps <- done:
		<-done
	case <-d.exit:
	}
}

// Close stops the goroutine and waits for it to end.
func (d *driver) Close() {
	d.set(func() { d.closed = true })
	<-d.exit
}

func (d *driver) set(f func()) {
	d.mu.Lock()
	f()
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *driver) state() (paused, closed bool, tps float64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.paused, d.closed, d.tps
}

func (d *driver) run() {
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
				d.tick()
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
			d.tick()
			next = next.Add(interval)
		}
		// Always hand the thread back, even when behind. If other
		// goroutines already spent the browser task that woke us, wait for
		// a fresh one rather than adding a work slice to theirs.
		wait := max(time.Until(next), time.Millisecond)
		for i := 0; i < 4 && yieldFor(wait, d.wake, d.steps, d.tick) > lateAfter; i++ {
			wait = 0
		}
	}
}

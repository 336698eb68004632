package cluster

import (
	"sync"
	"sync/atomic"
	"time"
)

// Driver ticks a cluster in real time from its own goroutine, for the
// browser. It is the only code in the engine that reads the wall clock, and
// only to decide WHEN to call Cluster.Tick: what a tick does depends on the
// actions queued before it, never on time, so a driven run equals a simulated
// one with the same actions before the same ticks.
//
// Pacing: while playing, the driver runs the ticks that are due, working at
// most workSlice before it waits (waitFor: a Go timer natively; under
// js/wasm a browser timer, or with ticks already due a fresh browser task,
// so that the thread's event loop runs in between). If the timer's (or
// task's) callback ran more than lateAfter before the driver got the
// thread back, other goroutines spent that browser task, so it waits for
// a fresh one (up to 4 times) rather than adding a work slice to theirs. When it falls behind by more than maxLag it drops the backlog
// rather than rushing. With a task clock (SetTaskClock: in the browser,
// how long the current browser task has run, whoever ran in it) it also
// stops ticking once the task has run workSlice, so that its slice and
// the work of other goroutines in the same task (the page's render) add up
// to about workSlice plus one tick, not two slices.
type Driver struct {
	c *Cluster

	mu        sync.Mutex
	paused    bool
	tps       float64
	closed    bool
	taskClock func() (time.Duration, bool)

	// behind is how many work slices in a row ended with ticks still
	// due (0 while paused): the driver's goroutine writes it, Behind
	// reads it.
	behind atomic.Int32

	wake  chan struct{}      // buffered(1): state changed
	steps chan chan struct{} // Step requests, answered when the tick ran
	exit  chan struct{}      // closed when the goroutine ends
}

const (
	workSlice = 8 * time.Millisecond
	lateAfter = 4 * time.Millisecond
	// maxSpentRounds bounds how many rounds in a row the task clock may
	// leave without a tick although ticks are due: the driver never
	// starves, even if other work fills every task.
	maxSpentRounds = 4
	maxLag         = 250 * time.Millisecond
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

// SetTaskClock gives the driver a clock of the current browser task:
// elapsed returns how long the task has run, or ok false if unknown (nil:
// no clock, the default). The driver calls it from its goroutine between
// ticks; it must not block. It reads the wall clock, like the rest of the
// driver's pacing, and never changes what a tick does.
func (d *Driver) SetTaskClock(elapsed func() (d time.Duration, ok bool)) {
	d.set(func() { d.taskClock = elapsed })
}

// taskSpent reports whether the current browser task has already run
// workSlice (false without a clock).
func taskSpent(clock func() (time.Duration, bool)) bool {
	if clock == nil {
		return false
	}
	el, ok := clock()
	return ok && el >= workSlice
}

// Speed returns the tick rate SetSpeed (or NewDriver) last set, clamped
// as they clamp it.
func (d *Driver) Speed() float64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.tps
}

// Paused reports whether the driver is paused.
func (d *Driver) Paused() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.paused
}

// Behind reports whether the cluster cannot keep the speed it is driven
// at: the last behindRounds work slices all ended with ticks still due
// (its thread, or its storage, is the bottleneck). False while paused.
// Background work on the same thread (the timeline's catch-up) waits
// meanwhile rather than slow the run further. Safe from any goroutine.
func (d *Driver) Behind() bool { return d.behind.Load() >= behindRounds }

// behindRounds is how many work slices in a row must end with ticks due
// for Behind: one can end so whenever the task clock cut it short.
const behindRounds = 3

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

func (d *Driver) state() (paused, closed bool, tps float64, clock func() (time.Duration, bool)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.paused, d.closed, d.tps, d.taskClock
}

func (d *Driver) run() {
	defer close(d.exit)
	var next time.Time // when the next tick is due while playing
	spentRounds := 0   // rounds in a row with ticks due that the task clock left without one
	for {
		paused, closed, tps, clock := d.state()
		if closed {
			return
		}
		if paused {
			next = time.Time{}
			d.behind.Store(0)
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
		// A task the clock calls spent gets no tick, unless the last
		// maxSpentRounds rounds with ticks due got none either: then one.
		ticked := 0
		for start := now; !now.Before(next) && now.Sub(start) < workSlice; now = time.Now() {
			if taskSpent(clock) && (ticked > 0 || spentRounds < maxSpentRounds) {
				break
			}
			// A Pause that came during the slice (a tick can hand the
			// thread over, Config.Yield) stops it before the next tick:
			// once Pause returned, at most the tick in progress ends.
			if p, c, _, _ := d.state(); p || c {
				break
			}
			d.c.Tick()
			next = next.Add(interval)
			ticked++
		}
		if ticked == 0 && !now.Before(next) {
			spentRounds++
		} else {
			spentRounds = 0
		}
		if now.Before(next) {
			d.behind.Store(0)
		} else if b := d.behind.Load(); b < behindRounds {
			d.behind.Store(b + 1)
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

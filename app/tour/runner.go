package tour

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
)

// Runner plays one tour on an engine: it starts steps, performs their
// actions as the page's own controls would (so a tour replays like a
// person's run), and checks their conditions against the cluster.
//
// Who calls what: the page's UI goroutine calls the cheap methods (Step,
// Done, Pending, Differs, Busy) on every refresh; Do, Poll, Back, Rewind and
// FastForward wait on the cluster, so the page calls them from ctx.Async
// goroutines, one at a time (a second while one runs is ErrBusy). All
// methods are safe for concurrent use.
//
// Invariant: steps 1..Step() have been started (their start recorded);
// Back and Rewind return the cluster to a recorded start with
// engine.Timeliner.Seek, which shows that tick exactly as it was.
type Runner struct {
	eng  engine.Engine
	tour *Tour

	mu     sync.Mutex
	cur    int         // the current step, 0-based
	starts []stepStart // per step; set once the step started
	busy   bool        // Do, Back, Rewind or FastForward runs
	did    bool        // the current step's actions were performed
	didAt  uint64      // the tick they finished at
	expect expectation // the cluster the step expects, for Differs
	res    results     // the current step's results
	events eventScan   // the event log since the step's start
	keys   map[string]keyRead
	lease  leaseState
	watch  *tourWatch
	stress engine.StressRun
	// stressStep is the step that started stress.
	stressStep int
	// playAfter: Do's first action is a client call to submit before
	// the paused cluster plays (do.go, call).
	playAfter bool
}

// stepStart is what the runner records when a step starts.
type stepStart struct {
	set    bool
	tick   uint64
	leader uint64 // 0: none
	term   uint64 // the leader's term (0: none)
	seq    uint64 // the event log's last Seq
	expect expectation
}

// expectation is the cluster state a step expects while it runs: the
// members down and whether the network is split. The tour's own actions
// change it; anything else that changes the cluster makes Differs speak.
type expectation struct {
	down  map[uint64]bool
	split bool
	since uint64 // the tick it was last changed at
	// unseen holds the members the tour took down or brought back whose
	// new state the views have not shown yet, and splitUnseen whether a
	// split the tour made or healed has not shown yet. Over the protocol
	// the views lag the cluster (at the fastest speed by more than
	// differGrace ticks), so until they show the tour's own change once
	// (or Budget ticks pass) Differs does not take the state before it for
	// someone else's doing.
	unseen      map[uint64]bool
	splitUnseen bool
}

// results are the outcomes of the current step's client actions.
type results struct {
	put     *outcome // the last put (put, put-with-lease)
	get     *outcome // the last get
	verdict *engine.LinVerdictView
}

type outcome struct {
	err          error
	rev          int64
	value        string
	found        bool
	serializable bool
	stale        bool // a get that returned an older revision than the newest member had
}

type keyRead struct {
	tick  uint64
	holds bool
}

type leaseState struct {
	id      int64
	step    int    // the step that granted it
	seq     uint64 // the event log read for its expiry so far
	expired bool
}

// ErrBusy: another of the runner's waiting calls is running.
var ErrBusy = errors.New("the tour is busy with its previous action")

// Budget bounds, in ticks, how long a step's conditions may take after its
// actions (or its start): past it Differs says the step's conditions did
// not hold, and FastForward gives up.
const Budget = 3000

// differGrace is how many ticks a change the runner itself queued may take
// to show in the cluster's status before Differs compares it.
const differGrace = 3

// New returns a runner for t on eng, before its first step (call Start).
func New(eng engine.Engine, t *Tour) *Runner {
	return &Runner{eng: eng, tour: t, starts: make([]stepStart, len(t.Steps))}
}

// Tour returns the tour being run.
func (r *Runner) Tour() *Tour { return r.tour }

// Step returns the current step, 1-based.
func (r *Runner) Step() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur + 1
}

// Busy reports whether a waiting call (Do, Back, Rewind, FastForward) runs.
func (r *Runner) Busy() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.busy
}

// Did reports whether the current step's actions were performed.
func (r *Runner) Did() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.did
}

// StartTick returns the tick step (1-based) started at, and whether it
// started.
func (r *Runner) StartTick(step int) (uint64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if step < 1 || step > len(r.starts) {
		return 0, false
	}
	return r.starts[step-1].tick, r.starts[step-1].set
}

func (r *Runner) snapshot() clusterView {
	return clusterView{st: r.eng.Status(), links: r.eng.Links()}
}

// Start makes step (1-based) the current one and records its start: the
// tick, the leader and its term, the event log's position and the members
// down. It performs nothing.
func (r *Runner) Start(step int) error {
	if step < 1 || step > len(r.tour.Steps) {
		return fmt.Errorf("tour %s has no step %d (it has %d)", r.tour.Name, step, len(r.tour.Steps))
	}
	c := r.snapshot()
	now := r.eng.Now()
	s := stepStart{set: true, tick: now, expect: expectation{down: c.down(), split: c.split(), since: now}}
	if l, ok := c.leader(); ok {
		s.leader, s.term = l.ID, l.Term
	}
	s.seq = lastSeq(r.eng)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cur = step - 1
	r.starts[r.cur] = s
	r.resetStep()
	return nil
}

// resetStep forgets the current step's progress (its start stays).
// Called with r.mu held.
func (r *Runner) resetStep() {
	s := r.starts[r.cur]
	r.did, r.didAt = false, 0
	r.res = results{}
	r.events = eventScan{after: s.seq}
	r.keys = nil
	r.expect = s.expect
	r.expect.down = cloneSet(s.expect.down)
	if r.stress != nil && r.stressStep >= r.cur {
		r.stress.Stop()
		r.stress = nil
	}
}

func lastSeq(e engine.Engine) uint64 {
	ev := e.Events(0)
	if len(ev) == 0 {
		return 0
	}
	return ev[len(ev)-1].Seq
}

func cloneSet(m map[uint64]bool) map[uint64]bool {
	out := make(map[uint64]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (r *Runner) enter() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.busy {
		return ErrBusy
	}
	if !r.starts[r.cur].set {
		return fmt.Errorf("tour %s: step %d has not started", r.tour.Name, r.cur+1)
	}
	r.busy = true
	return nil
}

func (r *Runner) leave() {
	r.mu.Lock()
	r.busy = false
	r.mu.Unlock()
}

// Next starts the step after the current one; the current one must be
// done.
func (r *Runner) Next() error {
	if r.Busy() {
		return ErrBusy
	}
	step := r.Step()
	if step >= len(r.tour.Steps) {
		return fmt.Errorf("step %d is the tour's last", step)
	}
	if !r.Done() {
		return fmt.Errorf("step %d is not done yet: waiting for %s", step, JoinAnd(r.Pending()))
	}
	return r.Start(step + 1)
}

// Back shows the cluster as it was when the previous step started (on step
// 1, when step 1 started) and makes that step the current one: its
// actions are to be done again. The cluster is left paused (Seek's
// contract); Do plays it again.
func (r *Runner) Back(ctx context.Context) error {
	r.mu.Lock()
	to := max(r.cur-1, 0)
	r.mu.Unlock()
	return r.seekTo(ctx, to)
}

// Rewind shows the cluster as it was when the current step started, to
// try the step again.
func (r *Runner) Rewind(ctx context.Context) error {
	return r.seekTo(ctx, r.Step()-1)
}

func (r *Runner) seekTo(ctx context.Context, step int) error {
	tl, ok := r.eng.(engine.Timeliner)
	if !ok {
		return errors.New("this engine does not record its history, so the tour cannot go back")
	}
	if err := r.enter(); err != nil {
		return err
	}
	defer r.leave()
	r.mu.Lock()
	s := r.starts[step]
	r.mu.Unlock()
	if !s.set {
		return fmt.Errorf("step %d has not started", step+1)
	}
	before := tl.Timeline().Rewinds
	if err := tl.Seek(ctx, s.tick); err != nil {
		return err
	}
	if err := waitRewound(ctx, tl, before); err != nil {
		return err
	}
	r.mu.Lock()
	r.cur = step
	r.resetStep()
	if r.lease.id != 0 && r.lease.step >= step {
		r.lease = leaseState{}
	}
	w := r.watch
	if w != nil && w.step >= step {
		r.watch = nil
	}
	r.mu.Unlock()
	if w != nil {
		w.stop()
		if w.step < step { // the watch began before this step: watch again from where it began
			if err := r.rewatch(w); err != nil {
				return err
			}
		}
	}
	return nil
}

// waitRewound waits until the engine's views show the cluster a Seek
// replaced (its Timeline's Rewinds moved past before). Over the protocol
// (a Client) they are the latest update's, which may be taken before the
// seek: the old branch's events would count for the step (done before
// its actions), and their Seqs would hide the new branch's. A local
// engine's views show the seek at once.
func waitRewound(ctx context.Context, tl engine.Timeliner, before uint64) error {
	for tl.Timeline().Rewinds == before {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the engine to show the rewound cluster: %w", ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
	return nil
}

// Done reports whether the current step is done: its actions were
// performed (a step with conditions needs only its conditions) and every
// condition holds. Cheap: it reads the engine's views.
func (r *Runner) Done() bool {
	return r.done(r.snapshot())
}

func (r *Runner) done(c clusterView) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	step := &r.tour.Steps[r.cur]
	if !r.starts[r.cur].set || r.busy {
		return false
	}
	if len(step.Wait) == 0 {
		return r.did || len(step.Do) == 0
	}
	r.scanEvents()
	for _, w := range step.Wait {
		if !r.holds(w, c) {
			return false
		}
	}
	return true
}

// Pending describes the current step's conditions that do not hold yet, in
// words ("a leader other than member 3"); none when Done.
func (r *Runner) Pending() []string {
	c := r.snapshot()
	r.mu.Lock()
	defer r.mu.Unlock()
	step := &r.tour.Steps[r.cur]
	var out []string
	if len(step.Wait) == 0 && len(step.Do) > 0 && !r.did {
		return []string{"the step's action (Do it)"}
	}
	r.scanEvents()
	for _, w := range step.Wait {
		if !r.holds(w, c) {
			out = append(out, r.describe(w))
		}
	}
	return out
}

// Differs returns a sentence saying how the cluster differs from what the
// current step expects, when it cannot meet the step any more: a member
// down or up that the tour did not take down or bring back, the network
// healed or split by someone else, or the step's conditions not met
// within Budget ticks. "" when nothing differs.
func (r *Runner) Differs() string {
	now := r.eng.Now() // before the views: they show tick now or later
	c := r.snapshot()
	if s, ok := r.eng.(engine.Settable); ok && len(s.RestartsPending()) > 0 {
		return "" // members restart to take new settings: down for a moment, as asked
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.starts[r.cur].set || r.busy || now < r.expect.since+differGrace {
		return ""
	}
	down := c.down()
	waiting := now < r.expect.since+Budget // for the views to show the tour's own change
	for _, m := range c.st {
		switch {
		case down[m.ID] == r.expect.down[m.ID]:
			delete(r.expect.unseen, m.ID)
		case r.expect.unseen[m.ID] && waiting:
		case down[m.ID]:
			return fmt.Sprintf("Member %d is down, but this step expects it running: the tour did not stop it.", m.ID)
		default:
			return fmt.Sprintf("Member %d is running, but this step expects it down: the tour did not restart it.", m.ID)
		}
	}
	switch split := c.split(); {
	case split == r.expect.split:
		r.expect.splitUnseen = false
	case r.expect.splitUnseen && waiting:
	case split:
		return "The network is split, but this step expects every member to reach every other: the tour did not cut those links."
	default:
		return "The network was healed, but this step expects it split."
	}
	step := &r.tour.Steps[r.cur]
	from := r.starts[r.cur].tick
	if r.did {
		from = r.didAt
	}
	if len(step.Wait) > 0 && (r.did || len(step.Do) == 0) && now >= from+Budget && now >= from {
		r.scanEvents()
		var unmet []string
		for _, w := range step.Wait {
			if !r.holds(w, c) {
				unmet = append(unmet, r.describe(w))
			}
		}
		if len(unmet) > 0 {
			return fmt.Sprintf("After %d ticks this step still waits for %s: the cluster is unlikely to get there now.", now-from, JoinAnd(unmet))
		}
	}
	return ""
}

// FastForward runs the steps from the current one up to (not including)
// step to (1-based): for each, its actions, then a wait for its
// conditions, then Next; then it starts step to. It sets the engine's
// speed to engine.MaxSpeed (the caller restores the speed it wants) and
// gives up with an error naming the step when a step's conditions do not
// hold within Budget ticks, when Differs speaks, or when ctx ends.
func (r *Runner) FastForward(ctx context.Context, to int) error {
	if to < 1 || to > len(r.tour.Steps) {
		return fmt.Errorf("tour %s has no step %d (it has %d)", r.tour.Name, to, len(r.tour.Steps))
	}
	r.eng.SetSpeed(engine.MaxSpeed)
	if _, ok := r.StartTick(r.Step()); !ok {
		if err := r.Start(r.Step()); err != nil {
			return err
		}
	}
	for r.Step() < to {
		step := r.Step()
		if err := r.Do(ctx); err != nil {
			return fmt.Errorf("step %d (%s): %w", step, r.tour.Steps[step-1].Title, err)
		}
		r.eng.SetSpeed(engine.MaxSpeed) // a skipped step's `speed` is for its reader
		if err := r.WaitDone(ctx); err != nil {
			return fmt.Errorf("step %d (%s): %w", step, r.tour.Steps[step-1].Title, err)
		}
		if err := r.Start(step + 1); err != nil {
			return err
		}
	}
	return nil
}

// WaitDone waits until the current step is done, polling (Poll) as its
// conditions need; it gives up when Differs speaks (its sentence is the
// error) or ctx ends. The engine must be playing.
func (r *Runner) WaitDone(ctx context.Context) error {
	for !r.Done() {
		if d := r.Differs(); d != "" {
			return errors.New(d)
		}
		if r.NeedsPoll() {
			if err := r.Poll(ctx); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("still waiting for %s: %w", JoinAnd(r.Pending()), ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
	return nil
}

// JoinAnd joins words as a sentence lists them ("a, b and c";
// "nothing" for none). The player's status uses it too.
func JoinAnd(s []string) string {
	switch len(s) {
	case 0:
		return "nothing"
	case 1:
		return s[0]
	}
	out := s[0]
	for i := 1; i < len(s)-1; i++ {
		out += ", " + s[i]
	}
	return out + " and " + s[len(s)-1]
}

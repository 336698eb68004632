package local

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/cluster"
)

// timeline is an engine's recorded run: its branches (each a list of
// actions from tick 0 and the tick it reached), the checkpoints of each,
// and a replay cluster (shadow) that moves along the current branch to
// build the cluster of any tick.
//
// How a tick is reached (Seek): the shadow is restored from the newest
// checkpoint at or before the tick (or keeps its place when it is already
// between that checkpoint and the tick), replays the branch's actions up to
// the tick, taking checkpoints as it goes (checkpointPolicy), and the
// engine's own cluster is then restored, in place, from the shadow. The
// live cluster then runs the branch's actions after the tick as a script
// (cluster.Script): playing on replays the recorded future, and the first
// action a person takes before the branch's end starts a new branch.
//
// Storage: the shadow, and so any cluster the engine shows after a seek,
// a branch switch or a load, runs on durable's in-memory medium; the
// browser's storage keeps the run as it was when the page first went
// back, and a reload returns to that (Notice says so).
//
// Concurrency: every method takes mu; Seek and the others that replay hold
// it for the whole replay (the driver is paused meanwhile).
type timeline struct {
	mu       sync.Mutex
	live     *cluster.Cluster
	driver   *cluster.Driver
	recorded bool
	// newReplay builds a fresh cluster from the run's starting config with
	// that seed and settings, on the in-memory medium (the engine's storage
	// stack on another medium).
	newReplay func(seed int64, s cluster.Settings) (*cluster.Cluster, error)
	base      cluster.HistoryFile // the run's config (Members, Seed, Settings)

	shadow *cluster.Cluster
	work   time.Duration // the shadow's replay work since its last checkpoint
	// cloneCost is how long the last checkpoint's copy took.
	cloneCost time.Duration
	branches  []*branch
	cur       int // index in branches
	rewinds   uint64
	notice    string
	thinned   bool // checkpoints were dropped to stay under checkpointBudget
	// seen is the live cluster's Diverged count when last checked.
	seen   uint64
	onSeek func() // the engine drops what it derived from the old cluster
}

// branch is one line of the history. While it is the current branch and
// the live cluster runs past end, the live cluster's History is its truth
// (actions is refreshed from it by sync).
type branch struct {
	number  int
	from    uint64 // the tick it left its parent
	actions []cluster.Action
	end     uint64
	cps     []checkpoint // ascending ticks; shared with the parent up to from
}

type checkpoint struct {
	tick  uint64
	c     *cluster.Cluster
	bytes int64
}

// Checkpoint policy: the shadow takes a checkpoint once it has replayed
// checkpointWork of wall time (or twice what the last checkpoint's copy
// took, if more) or checkpointTicks ticks since the last one,
// so that reaching any tick costs at most about that much replay plus one
// Restore. Their total estimated size stays under checkpointBudget: when it
// is exceeded, every other checkpoint is dropped (the first and the last
// stay), which halves the density and the memory.
var (
	checkpointWork   = 25 * time.Millisecond
	checkpointTicks  = uint64(2000)
	checkpointBudget = int64(256 << 20)
)

func newTimeline(live *cluster.Cluster, d *cluster.Driver, base cluster.HistoryFile, recorded bool,
	newReplay func(seed int64, s cluster.Settings) (*cluster.Cluster, error)) *timeline {
	t := &timeline{live: live, driver: d, recorded: recorded, newReplay: newReplay, base: base}
	t.branches = []*branch{{number: 1}}
	if !recorded {
		t.notice = engine.ErrNotRecorded.Error()
	}
	return t
}

// sync folds the live cluster's progress into the current branch: its
// actions and end while the live cluster runs past the branch's end, and a
// new branch when a person acted before the end (cluster.Diverged).
// t.mu held.
func (t *timeline) sync() {
	b := t.branches[t.cur]
	now := t.live.Now()
	n, at := t.live.Diverged()
	if n != t.seen {
		t.seen = n
		nb := &branch{number: len(t.branches) + 1, from: at}
		for _, cp := range b.cps {
			if cp.tick <= at {
				nb.cps = append(nb.cps, cp)
			}
		}
		if t.shadow != nil && t.shadow.Now() > at {
			t.shadow = nil // it replayed the old branch past the fork
		}
		t.branches = append(t.branches, nb)
		t.cur = len(t.branches) - 1
		b = nb
	}
	if now >= b.end {
		// The live run is the branch: its history only grows, so it
		// is copied only when it has more actions.
		if t.live.HistoryLen() != len(b.actions) {
			b.actions = t.live.History()
		}
		b.end = now
	}
}

// Timeline implements engine.Timeliner.
func (t *timeline) Timeline() engine.TimelineView {
	t.mu.Lock()
	defer t.mu.Unlock()
	v := engine.TimelineView{Recorded: t.recorded, Notice: t.notice, Rewinds: t.rewinds}
	if t.thinned {
		v.Notice = strings.TrimSpace(v.Notice + " " + thinnedNotice())
	}
	if !t.recorded {
		v.End = t.live.Now()
		v.Start = v.End
		return v
	}
	t.sync()
	b := t.branches[t.cur]
	now := t.live.Now()
	v.End, v.Replaying, v.Actions, v.Branch = max(b.end, now), now < b.end, len(b.actions), b.number
	for _, x := range t.branches {
		v.Branches = append(v.Branches, engine.BranchView{Number: x.number, From: x.from, End: x.end, Actions: len(x.actions)})
	}
	seen := map[*cluster.Cluster]bool{}
	for _, x := range t.branches {
		for _, cp := range x.cps {
			if !seen[cp.c] {
				seen[cp.c] = true
				v.Checkpoints++
				v.CheckpointBytes += cp.bytes
			}
		}
	}
	return v
}

// Seek implements engine.Timeliner.
func (t *timeline) Seek(ctx context.Context, tick uint64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.recorded {
		return engine.ErrNotRecorded
	}
	t.sync()
	return t.seekLocked(ctx, t.branches[t.cur], tick)
}

// SwitchBranch implements engine.Timeliner.
func (t *timeline) SwitchBranch(ctx context.Context, n int) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.recorded {
		return engine.ErrNotRecorded
	}
	t.sync()
	if n < 1 || n > len(t.branches) {
		return fmt.Errorf("there is no branch %d (branches are 1..%d)", n, len(t.branches))
	}
	i := n - 1
	if i != t.cur {
		t.shadow = nil // it is somewhere on another branch
	}
	t.cur = i
	return t.seekLocked(ctx, t.branches[i], t.branches[i].end)
}

// seekLocked brings the live cluster to tick of branch b, paused, with
// b's later actions as its script. t.mu held.
func (t *timeline) seekLocked(ctx context.Context, b *branch, tick uint64) error {
	tick = min(tick, b.end)
	t.driver.Pause()
	// Where the live cluster starts from: in the part of the branch the
	// checkpoints already cover, the newest checkpoint (or the shadow, if it
	// is nearer) at or before tick, and the live cluster replays the rest
	// itself (one copy of the cluster, not two); past them, the shadow
	// replays to tick first, taking checkpoints as it goes.
	covered := false
	for _, cp := range b.cps {
		covered = covered || cp.tick >= tick
	}
	covered = covered || t.shadow != nil && t.shadow.Now() >= tick
	var src *cluster.Cluster
	var from uint64
	if covered {
		for _, cp := range b.cps {
			if cp.tick <= tick {
				src, from = cp.c, cp.tick
			}
		}
		if t.shadow != nil && t.shadow.Now() <= tick && (src == nil || t.shadow.Now() > from) {
			src, from = t.shadow, t.shadow.Now()
		}
	}
	if src == nil {
		if err := t.reach(ctx, b, tick); err != nil {
			return err
		}
		src, from = t.shadow, tick
	}
	// What reaches the engine while it replays applies at tick, after
	// the replay (cluster.RestoreHeld: held from the restore on).
	release, err := t.live.RestoreHeld(src)
	if err != nil {
		return err
	}
	defer release()
	var rest []cluster.Action
	for _, a := range b.actions {
		if a.Tick >= from {
			rest = append(rest, a)
		}
	}
	t.live.Script(rest, b.end)
	for t.live.Now() < tick {
		if err := ctx.Err(); err != nil {
			break // left at the tick the replay reached (Timeliner's contract)
		}
		t.live.Tick()
	}
	t.seen, _ = t.live.Diverged()
	t.rewinds++
	t.notice = rewoundNotice
	if t.onSeek != nil {
		t.onSeek()
	}
	return ctx.Err()
}

// thinnedNotice says that checkpoints were dropped.
func thinnedNotice() string {
	return fmt.Sprintf("Checkpoints were thinned to stay under %d MB: going back may take a little longer.", checkpointBudget>>20)
}

// rewoundNotice says where a rewound run lives.
const rewoundNotice = "The cluster shown is a replay of the recorded run, kept in memory: the browser's storage keeps the run as it was when you first went back, and a reload returns to it."

// reach moves the shadow to tick of branch b (its actions before tick
// applied, none at tick yet), from the best checkpoint. t.mu held.
func (t *timeline) reach(ctx context.Context, b *branch, tick uint64) error {
	_, err := t.advance(ctx, b, tick, time.Time{})
	return err
}

// advance moves the shadow toward tick of branch b, from the best
// checkpoint when it is not already on the way there, until it reaches
// tick or (when stop is not zero) the wall clock passes stop; it reports
// whether it reached tick. It takes checkpoints as it goes. t.mu held.
func (t *timeline) advance(ctx context.Context, b *branch, tick uint64, stop time.Time) (bool, error) {
	if len(b.cps) == 0 {
		c, err := t.newReplay(t.base.Seed, t.base.Settings)
		if err != nil {
			return false, err
		}
		cp, size, err := c.CloneSized()
		if err != nil {
			return false, err
		}
		b.cps = []checkpoint{{tick: 0, c: cp, bytes: size}}
		t.shadow, t.work = c, 0
	}
	var best checkpoint
	for _, cp := range b.cps {
		if cp.tick <= tick {
			best = cp
		}
	}
	if t.shadow == nil || t.shadow.Now() > tick || t.shadow.Now() < best.tick {
		if t.shadow == nil {
			c, err := best.c.Clone()
			if err != nil {
				return false, err
			}
			t.shadow = c
		} else if err := t.shadow.Restore(best.c); err != nil {
			return false, err
		}
		t.work = 0
	}
	// Replay b's actions from the shadow's tick to tick.
	i, _ := slices.BinarySearchFunc(b.actions, t.shadow.Now(), func(a cluster.Action, now uint64) int { return cmp.Compare(a.Tick, now) })
	lastCp := b.cps[0].tick
	for _, cp := range b.cps {
		if cp.tick <= t.shadow.Now() {
			lastCp = cp.tick
		}
	}
	for now := t.shadow.Now(); now < tick; now = t.shadow.Now() {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		if !stop.IsZero() && time.Now().After(stop) {
			return false, nil
		}
		start := time.Now()
		for ; i < len(b.actions) && b.actions[i].Tick == now; i++ {
			if err := t.shadow.Apply(b.actions[i]); err != nil {
				return false, fmt.Errorf("replaying action %d (%s at tick %d): %w", i+1, b.actions[i].Kind, now, err)
			}
		}
		t.shadow.Tick()
		t.work += time.Since(start)
		// A checkpoint costs a copy of the cluster: at least twice as
		// much replay goes between two as one copy costs.
		if now+1 < tick && (t.work >= max(checkpointWork, 2*t.cloneCost) || now+1-lastCp >= checkpointTicks) {
			if err := t.checkpoint(b); err != nil {
				return false, err
			}
			t.work, lastCp = 0, now+1
		}
	}
	return true, nil
}

// catchUp moves the shadow along the current branch in the background, a
// slice of catchUpSlice every catchUpEvery (at most a fifth of the
// engine's thread), so that checkpoints exist up to about the live tick
// before the first seek needs them. Its first slice comes catchUpFirst
// after the start: that slice builds the shadow cluster, which takes
// longer than a slice (five members started), and a fresh page waits for
// its first leader meanwhile. While a MaxRate stress run (the Benchmark
// panel) is in progress it waits, leaving the thread to the run, and
// catches up after it (a seek meanwhile replays what it needs); so it
// does while the live cluster cannot keep its speed (Driver.Behind: a
// stress heavier than the engine's thread), whose run it would slow
// further. It ends when stop closes.
func (t *timeline) catchUp(stop <-chan struct{}) {
	for wait := catchUpFirst; ; wait = catchUpEvery {
		select {
		case <-stop:
			return
		case <-time.After(wait):
		}
		t.catchUpSlice()
	}
}

// catchUpSlice is one slice of catchUp: it moves the shadow toward the
// current branch's end for at most catchUpSlice, unless a MaxRate stress
// run is in progress or the live cluster is behind its speed. It reports
// whether it worked.
func (t *timeline) catchUpSlice() bool {
	if t.live.MaxRateRunning() || t.driver.Behind() {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.recorded {
		return false
	}
	t.sync()
	b := t.branches[t.cur]
	if t.shadow != nil && t.shadow.Now() >= b.end {
		return false
	}
	if _, err := t.advance(context.Background(), b, b.end, time.Now().Add(catchUpSlice)); err != nil {
		t.notice = "Recording the run's checkpoints failed (" + err.Error() + "): going back replays from the start."
	}
	return true
}

// The background catch-up's pace (catchUp).
const (
	catchUpEvery = 40 * time.Millisecond
	catchUpFirst = time.Second
	catchUpSlice = 10 * time.Millisecond
)

// checkpoint adds a copy of the shadow (between ticks, no action queued)
// to b's checkpoints, keeping them in tick order and under the budget.
// t.mu held.
func (t *timeline) checkpoint(b *branch) error {
	tick := t.shadow.Now()
	for _, cp := range b.cps {
		if cp.tick == tick {
			return nil
		}
	}
	start := time.Now()
	c, size, err := t.shadow.CloneSized()
	if err != nil {
		return err
	}
	t.cloneCost = time.Since(start)
	cp := checkpoint{tick: tick, c: c, bytes: size}
	i := len(b.cps)
	for i > 0 && b.cps[i-1].tick > tick {
		i--
	}
	b.cps = append(b.cps[:i], append([]checkpoint{cp}, b.cps[i:]...)...)
	var thinned bool
	if b.cps, thinned = thin(b.cps, checkpointBudget); thinned {
		t.thinned = true
	}
	return nil
}

// thin drops every other checkpoint of cps (keeping the first, at tick 0,
// and the last) until their estimated bytes fit in budget or only those
// two are left; it reports whether it dropped any. The bound on a
// branch's checkpoints is thus max(budget, its first and last).
func thin(cps []checkpoint, budget int64) ([]checkpoint, bool) {
	dropped := false
	for len(cps) > 2 {
		var total int64
		for _, x := range cps {
			total += x.bytes
		}
		if total <= budget {
			break
		}
		kept := []checkpoint{cps[0]}
		for j := 1; j < len(cps)-1; j++ {
			if j%2 == 0 {
				kept = append(kept, cps[j])
			}
		}
		cps, dropped = append(kept, cps[len(cps)-1]), true
	}
	return cps, dropped
}

// file returns the current branch as a history file, Tick the tick shown.
// t.mu held.
func (t *timeline) file() cluster.HistoryFile {
	t.sync()
	b := t.branches[t.cur]
	f := t.base
	f.Version = cluster.HistoryVersion
	f.Tick = t.live.Now()
	f.End = max(b.end, f.Tick)
	f.Actions = append([]cluster.Action(nil), b.actions...)
	if f.Tick >= b.end {
		f.Actions = t.live.History()
	}
	return f
}

// ExportHistory implements engine.Timeliner.
func (t *timeline) ExportHistory(ctx context.Context) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.recorded {
		return nil, engine.ErrNotRecorded
	}
	return cluster.EncodeHistoryJSON(t.file())
}

// ShareLink implements engine.Timeliner.
func (t *timeline) ShareLink(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.recorded {
		return "", engine.ErrNotRecorded
	}
	return cluster.EncodeHistoryLink(t.file())
}

// LoadHistory implements engine.Timeliner: the history replaces every
// branch once it replayed to its Tick; until then (a bad file, a
// cancelled replay) the run is left as it was.
func (t *timeline) LoadHistory(ctx context.Context, data []byte, link bool) error {
	var f cluster.HistoryFile
	var err error
	if link {
		f, err = cluster.DecodeHistoryLink(string(data))
	} else {
		f, err = cluster.DecodeHistoryJSON(data)
	}
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.newReplay == nil {
		return errors.New("this engine cannot replay a history")
	}
	if f.Members != t.base.Members {
		return fmt.Errorf("this history is of a %d-member cluster and this page runs %d members: open it with ?members=%d",
			f.Members, t.base.Members, f.Members)
	}
	oldBase, oldShadow := t.base, t.shadow
	t.base.Seed, t.base.Settings = f.Seed, f.Settings
	nb := &branch{number: 1, actions: f.Actions, end: f.End}
	t.shadow = nil
	if err := t.reach(ctx, nb, f.Tick); err != nil {
		t.base, t.shadow = oldBase, oldShadow
		return err
	}
	t.branches, t.cur, t.recorded = []*branch{nb}, 0, true
	t.driver.Pause()
	if err := t.live.Restore(t.shadow); err != nil {
		return err
	}
	var rest []cluster.Action
	for _, a := range nb.actions {
		if a.Tick >= f.Tick {
			rest = append(rest, a)
		}
	}
	t.live.Script(rest, nb.end)
	t.seen, _ = t.live.Diverged()
	t.rewinds++
	t.notice = "This run was loaded from a history and runs in memory: the browser's storage keeps the run you had before, and a reload returns to it."
	if t.onSeek != nil {
		t.onSeek()
	}
	return nil
}

// The engines' Timeliner: every method is the timeline's. An engine made
// by Wrap records nothing (its config is unknown): its timeline says so.

var _ engine.Timeliner = (*clusterEngine)(nil)

func (e *clusterEngine) Timeline() engine.TimelineView { return e.timeline().Timeline() }
func (e *clusterEngine) Seek(ctx context.Context, tick uint64) error {
	return e.timeline().Seek(ctx, tick)
}
func (e *clusterEngine) SwitchBranch(ctx context.Context, n int) error {
	return e.timeline().SwitchBranch(ctx, n)
}
func (e *clusterEngine) ExportHistory(ctx context.Context) ([]byte, error) {
	return e.timeline().ExportHistory(ctx)
}
func (e *clusterEngine) ShareLink(ctx context.Context) (string, error) {
	return e.timeline().ShareLink(ctx)
}
func (e *clusterEngine) LoadHistory(ctx context.Context, data []byte, link bool) error {
	return e.timeline().LoadHistory(ctx, data, link)
}

// timeline returns e's timeline, an unrecorded one for an engine made by
// Wrap.
func (e *clusterEngine) timeline() *timeline {
	e.tlOnce.Do(func() {
		if e.tl == nil {
			e.tl = newTimeline(e.Cluster, e.driver, cluster.HistoryFile{Members: len(e.Cluster.Members())}, false, nil)
		}
		e.tl.onSeek = e.forgetStatus
	})
	return e.tl
}

// forgetStatus drops the cached full Status: the cluster was replaced.
// So is a verdict of a check taken after the tick now shown (of another
// branch, or of the future this one replays): it no longer describes this
// run, and the next one says so.
func (e *clusterEngine) forgetStatus() {
	e.mu.Lock()
	e.full, e.up = nil, nil
	e.mu.Unlock()
	now := e.Cluster.Now()
	e.checks.mu.Lock()
	if l := e.checks.last; l != nil && l.Tick > now {
		if e.checks.cancel != nil {
			e.checks.cancel()
		}
		e.checks.seq++
		e.checks.last = &engine.LinVerdictView{Seq: e.checks.seq, Tick: now,
			Err: fmt.Sprintf("the run was taken back to tick %d, before the last check (at tick %d): check again", now, l.Tick)}
	}
	e.checks.mu.Unlock()
}

// recordTimeline gives e a recorded timeline: cfg is the config the
// cluster started from (tick 0, fresh storage); storage makes a replay's
// member storage (nil: cluster.MemoryStorage).
func (e *clusterEngine) recordTimeline(cfg cluster.Config, storage func() func(uint64) (node.Storage, error)) {
	base := cluster.HistoryFile{Members: len(e.Cluster.Members()), Seed: cfg.Seed, Settings: e.Cluster.Settings()}
	e.tl = newTimeline(e.Cluster, e.driver, base, true, func(seed int64, s cluster.Settings) (*cluster.Cluster, error) {
		c := cfg.WithSettings(s)
		c.Seed = seed
		c.NewStorage = nil
		if c.Yield != nil {
			c.Yield = yieldReplay
		}
		if storage != nil {
			c.NewStorage = storage()
		}
		return cluster.New(c)
	})
	e.tlStop = make(chan struct{})
	go e.tl.catchUp(e.tlStop)
}

// stopTimeline ends the timeline's background work (the engine is being
// reset). Safe to call more than once, and on an engine without one.
func (e *clusterEngine) stopTimeline() {
	e.tlStopOnce.Do(func() {
		if e.tlStop != nil {
			close(e.tlStop)
		}
	})
}

// A stopped durable engine (another tab took the cluster over) refuses
// the timeline's calls that would replace its cluster, as it refuses
// every other action (stopped.go).

func (e *durableEngine) Seek(ctx context.Context, tick uint64) error {
	if err := e.Stopped(); err != nil {
		return err
	}
	return e.clusterEngine.Seek(ctx, tick)
}

func (e *durableEngine) SwitchBranch(ctx context.Context, n int) error {
	if err := e.Stopped(); err != nil {
		return err
	}
	return e.clusterEngine.SwitchBranch(ctx, n)
}

func (e *durableEngine) LoadHistory(ctx context.Context, data []byte, link bool) error {
	if err := e.Stopped(); err != nil {
		return err
	}
	return e.clusterEngine.LoadHistory(ctx, data, link)
}

package tour

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Do performs the current step's actions in order, as the page's controls
// would (each is the engine call the page itself makes, so the run
// replays). A paused cluster is played first (after Back the cluster is
// paused), unless the step's actions control time themselves (pause,
// step). A client call that the cluster refuses (a put on a minority)
// is the step's result, not an error: the conditions judge it. Errors
// are what could not be done at all (no leader to kill, a bad setting).
// A step without actions just plays the cluster.
func (r *Runner) Do(ctx context.Context) error {
	if err := r.enter(); err != nil {
		return err
	}
	defer r.leave()
	r.mu.Lock()
	step := r.tour.Steps[r.cur]
	r.mu.Unlock()
	controlsTime := false
	for _, a := range step.Do {
		controlsTime = controlsTime || a.Verb == "pause" || a.Verb == "step"
	}
	var queued uint64 // the tick the last action was queued at
	for i, a := range step.Do {
		if i == 0 && !controlsTime && r.eng.Paused() && clientCall(a) {
			// A client call first: submitted before the cluster plays
			// (r.call), for the same reason as below.
			r.mu.Lock()
			r.playAfter = true
			r.mu.Unlock()
			queued = r.eng.Now()
			err := r.do(ctx, a)
			r.mu.Lock()
			play := r.playAfter // the call never went out (an error before it)
			r.playAfter = false
			r.mu.Unlock()
			if play {
				r.eng.Play()
			}
			if err != nil {
				return fmt.Errorf("%s: %w", a.Text, err)
			}
			continue
		}
		if i == 0 && !controlsTime && r.eng.Paused() && !blocking(a) {
			// Queue the first action before playing: a cluster shown at a
			// past tick replays its recorded future once it plays, and the
			// action must come first to start the new branch there.
			queued = r.eng.Now()
			if err := r.do(ctx, a); err != nil {
				return fmt.Errorf("%s: %w", a.Text, err)
			}
			r.eng.Play()
			continue
		}
		if !controlsTime && r.eng.Paused() {
			r.eng.Play()
		}
		if i > 0 && !blocking(step.Do[i-1]) && !controlsTime {
			// The previous action (a fault) takes effect at the next
			// tick: let it show before this one picks its members.
			if err := r.waitTick(ctx, queued); err != nil {
				return err
			}
		}
		queued = r.eng.Now()
		if err := r.do(ctx, a); err != nil {
			return fmt.Errorf("%s: %w", a.Text, err)
		}
	}
	if len(step.Do) == 0 && r.eng.Paused() {
		r.eng.Play()
	}
	now := r.eng.Now()
	r.mu.Lock()
	r.did, r.didAt = true, now
	r.mu.Unlock()
	return nil
}

// member resolves the member a client action goes through. When it needs
// a leader and none leads yet (just after the leader was killed or cut
// off), it waits for one while the cluster plays, up to Budget ticks, as a
// person would wait before writing.
func (r *Runner) member(ctx context.Context, c clusterView, s Selector) (uint64, error) {
	from := r.eng.Now()
	for {
		id, err := c.one(s)
		if errors.Is(err, errNoLeaderYet) && r.eng.Paused() {
			// A call that was to go out before the cluster plays (Do)
			// must wait for a leader first: play now.
			r.mu.Lock()
			play := r.playAfter
			r.playAfter = false
			r.mu.Unlock()
			if play {
				r.eng.Play()
			}
		}
		if !errors.Is(err, errNoLeaderYet) || r.eng.Paused() || r.eng.Now() > from+Budget {
			return id, err
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Millisecond):
		}
		c = r.snapshot()
	}
}

// waitTick waits until the cluster has run a tick after tick t (so the
// engine's views show what was queued at t).
func (r *Runner) waitTick(ctx context.Context, t uint64) error {
	for r.eng.Now() <= t {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	return nil
}

// clientCall reports whether a is one client call to the cluster (r.call).
func clientCall(a Action) bool {
	switch a.Verb {
	case "put", "get", "put-with-lease", "lease-grant", "lease-keep-alive", "lease-revoke":
		return true
	}
	return false
}

// call sends op through member id and waits for its answer. When Do asked
// for the cluster to play only once its first action is queued
// (playAfter), the call is submitted first (engine.Submitter: queued
// before the next request) and the cluster played after, so that a step
// done at a past tick starts its new branch with this call rather than
// replaying the old run's actions first.
func (r *Runner) call(ctx context.Context, id uint64, op node.Op) (node.Result, error) {
	r.mu.Lock()
	play := r.playAfter
	r.playAfter = false
	r.mu.Unlock()
	sub, ok := r.eng.(engine.Submitter)
	if !play || !ok {
		if play {
			r.eng.Play()
		}
		return r.eng.Call(ctx, id, op)
	}
	wait := sub.Submit(&engine.Request{Op: engine.OpCall, Member: id, Call: op})
	r.eng.Play()
	p := wait(ctx)
	switch {
	case p.Err != nil:
		return node.Result{}, p.Err
	case p.Result == nil:
		return node.Result{}, errors.New("the engine answered the call without a result")
	}
	return *p.Result, nil
}

// blocking reports whether a waits for the cluster's answer (so the
// cluster must be playing before it is called).
func blocking(a Action) bool {
	switch a.Verb {
	case "put", "get", "put-with-lease", "lease-grant", "lease-keep-alive", "lease-revoke", "check", "compact":
		return true
	}
	return false
}

// expectDown records that the tour itself takes members down (or brings
// them back), for Differs.
func (r *Runner) expectDown(down bool, ids ...uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.expect.unseen == nil {
		r.expect.unseen = map[uint64]bool{}
	}
	for _, id := range ids {
		if down {
			r.expect.down[id] = true
		} else {
			delete(r.expect.down, id)
		}
		r.expect.unseen[id] = true
	}
	r.expect.since = r.eng.Now()
}

func (r *Runner) expectSplit(split bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expect.split, r.expect.splitUnseen, r.expect.since = split, true, r.eng.Now()
}

// do performs one action.
func (r *Runner) do(ctx context.Context, a Action) error {
	c := r.snapshot()
	e := r.eng
	switch a.Verb {
	case "kill":
		id, err := c.one(a.Who)
		if err != nil {
			return err
		}
		r.expectDown(true, id)
		return e.Kill(id)
	case "kill-followers":
		f := c.followers()
		if int64(len(f)) < a.N {
			return fmt.Errorf("only %d followers are up", len(f))
		}
		for _, id := range f[:a.N] {
			r.expectDown(true, id)
			if err := e.Kill(id); err != nil {
				return err
			}
		}
	case "kill-all":
		r.expectDown(true, e.Members()...)
		e.KillAll()
	case "power-loss":
		st, ok := e.(engine.Storage)
		if !ok {
			return errors.New("this engine has no storage to lose power on")
		}
		if a.Who.Kind == "all" {
			r.expectDown(true, e.Members()...)
			st.KillAllPowerLoss()
			return nil
		}
		id, err := c.one(a.Who)
		if err != nil {
			return err
		}
		r.expectDown(true, id)
		return st.KillPowerLoss(id)
	case "restart":
		switch a.Who.Kind {
		case "all":
			r.expectDown(false, e.Members()...)
			e.RestartAll()
		case "down":
			var ids []uint64
			for id := range c.down() {
				ids = append(ids, id)
			}
			if len(ids) == 0 {
				return errors.New("no member is down")
			}
			r.expectDown(false, ids...)
			for _, id := range e.Members() { // in order: the run replays the same
				if c.down()[id] {
					if err := e.Restart(id); err != nil {
						return err
					}
				}
			}
		default:
			id, err := c.one(a.Who)
			if err != nil {
				return err
			}
			r.expectDown(false, id)
			return e.Restart(id)
		}
	case "isolate":
		id, err := c.one(a.Who)
		if err != nil {
			return err
		}
		r.expectSplit(true)
		e.Isolate(id)
	case "partition":
		groups, err := c.groups(a.Groups)
		if err != nil {
			return err
		}
		r.expectSplit(true)
		e.Partition(groups...)
	case "heal":
		r.expectSplit(false)
		e.HealAll()
	case "transfer":
		id, err := c.one(a.Who)
		if err != nil {
			return err
		}
		return e.TransferLeadership(id)
	case "put", "put-with-lease":
		return r.put(ctx, c, a)
	case "get":
		return r.get(ctx, c, a)
	case "stress":
		rate := a.Rate
		if rate == 0 {
			rate = 10
		}
		run := e.Stress(engine.StressConfig{Count: int(a.N), Rate: rate, Keys: 100, ValueSize: 16})
		r.mu.Lock()
		if r.stress != nil {
			r.stress.Stop()
		}
		r.stress, r.stressStep = run, r.cur
		r.mu.Unlock()
	case "pause":
		e.Pause()
	case "play":
		e.Play()
	case "speed":
		e.SetSpeed(a.Speed)
	case "step":
		e.Pause()
		for i := int64(0); i < a.N; i++ {
			e.Step()
		}
	case "set":
		s, ok := e.(engine.Settable)
		if !ok {
			return errors.New("this engine's settings cannot change")
		}
		set := s.Settings()
		for _, st := range a.Settings {
			if err := applySetting(&set, st); err != nil {
				return err
			}
		}
		if err := set.Validate(); err != nil {
			return err
		}
		return s.SetSettings(set)
	case "watch":
		return r.startWatch(c, a)
	case "lease-grant":
		id, err := r.member(ctx, c, Selector{Kind: "leader"})
		if err != nil {
			return err
		}
		seq := lastSeq(e)
		res, err := r.call(ctx, id, node.Op{LeaseGrant: &mvcc.LeaseGrantRequest{TTL: a.N}})
		if err != nil {
			return err
		}
		r.mu.Lock()
		r.lease = leaseState{id: res.LeaseGrant.ID, step: r.cur, seq: seq}
		r.mu.Unlock()
	case "lease-keep-alive", "lease-revoke":
		r.mu.Lock()
		lease := r.lease.id
		r.mu.Unlock()
		if lease == 0 {
			return errors.New("the tour has granted no lease (lease grant TTL)")
		}
		id, err := r.member(ctx, c, Selector{Kind: "leader"})
		if err != nil {
			return err
		}
		op := node.Op{LeaseKeepAlive: lease}
		if a.Verb == "lease-revoke" {
			op = node.Op{LeaseRevoke: lease}
		}
		_, err = r.call(ctx, id, op)
		return err
	case "check":
		ch, ok := e.(engine.Checker)
		if !ok {
			return errors.New("this engine cannot check its history")
		}
		v, err := ch.CheckHistory(ctx)
		if err != nil {
			return err
		}
		r.mu.Lock()
		r.res.verdict = &v
		r.mu.Unlock()
	case "compact":
		l, ok := c.leader()
		if !ok {
			return errors.New("no member leads now")
		}
		_, err := e.Compact(ctx, l.ID, l.Revision)
		return err
	default:
		return fmt.Errorf("unknown action %q", a.Verb)
	}
	return nil
}

func (r *Runner) put(ctx context.Context, c clusterView, a Action) error {
	id, err := r.member(ctx, c, a.Who)
	if err != nil {
		return err
	}
	var o outcome
	if a.Verb == "put-with-lease" {
		r.mu.Lock()
		lease := r.lease.id
		r.mu.Unlock()
		if lease == 0 {
			return errors.New("the tour has granted no lease (lease grant TTL)")
		}
		res, err := r.call(ctx, id, node.Op{Put: &mvcc.PutRequest{Key: []byte(a.Key), Value: []byte(a.Value), Lease: lease}})
		o.err = err
		if err == nil {
			o.rev = res.Header.Revision
		}
	} else {
		res, err := r.call(ctx, id, node.Op{Put: &mvcc.PutRequest{Key: []byte(a.Key), Value: []byte(a.Value)}})
		o.err = err
		if err == nil {
			o.rev = res.Put.Header.Revision
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	o.value = a.Value
	r.mu.Lock()
	r.res.put = &o
	r.mu.Unlock()
	return nil
}

func (r *Runner) get(ctx context.Context, c clusterView, a Action) error {
	id, err := r.member(ctx, c, a.Who)
	if err != nil {
		return err
	}
	result, err := r.call(ctx, id, node.Op{Range: &mvcc.RangeRequest{Key: []byte(a.Key)}, Serializable: a.Serializable})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	res := result.Range
	o := outcome{err: err, serializable: a.Serializable}
	if err == nil {
		o.rev = res.Header.Revision
		if len(res.KVs) > 0 {
			o.found, o.value = true, string(res.KVs[0].Value)
		}
		// Stale: an older revision than the newest a member has.
		for _, m := range r.eng.Status() {
			if m.Up() && m.Revision > o.rev {
				o.stale = true
			}
		}
	}
	r.mu.Lock()
	r.res.get = &o
	r.mu.Unlock()
	return nil
}

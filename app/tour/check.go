package tour

import (
	"context"
	"fmt"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// eventScan follows the event log from a step's start: the kinds seen.
type eventScan struct {
	after uint64 // the last Seq read
	kinds map[string]bool
}

// scanEvents reads the events logged since the last scan. Called with r.mu
// held; cheap (the engine returns only the new events).
func (r *Runner) scanEvents() {
	for _, e := range r.eng.Events(r.events.after) {
		if e.Seq <= r.events.after {
			continue
		}
		r.events.after = e.Seq
		if r.events.kinds == nil {
			r.events.kinds = map[string]bool{}
		}
		r.events.kinds[e.Kind] = true
	}
}

// leaseExpired reports whether the tour's lease expired since it was
// granted (its member's "lease ID expired" event). Called with r.mu held.
func (r *Runner) leaseExpired() bool {
	l := &r.lease
	if l.id == 0 || l.expired {
		return l.expired
	}
	want := fmt.Sprintf("lease %x expired", l.id)
	for _, e := range r.eng.Events(l.seq) {
		l.seq = max(l.seq, e.Seq)
		if e.Kind == "lease" && strings.Contains(e.Text, want) {
			l.expired = true
		}
	}
	return l.expired
}

// holds evaluates one condition. Called with r.mu held.
func (r *Runner) holds(w Condition, c clusterView) bool {
	s := r.starts[r.cur]
	l, hasLeader := c.leader()
	switch w.Kind {
	case "leader":
		return hasLeader
	case "new-leader":
		for _, m := range c.st {
			if m.Up() && m.State == "leader" && m.ID != s.leader && m.Term > s.term {
				return true
			}
		}
		return false
	case "term>start":
		return hasLeader && l.Term > s.term
	case "down":
		down := c.down()
		if w.ID != 0 {
			return down[w.ID]
		}
		return int64(len(down)) == w.N
	case "all-up":
		for _, m := range c.st {
			if !m.Up() {
				return false
			}
		}
		return true
	case "converged":
		var first *engine.MemberView
		for i := range c.st {
			m := &c.st[i]
			if m.State == "loading" {
				return false
			}
			if !m.Up() {
				continue
			}
			if m.HashRevision != m.Revision {
				return false // its hash is older than its data (a view between full statuses)
			}
			if first == nil {
				first = m
			} else if m.Revision != first.Revision || m.Hash != first.Hash || m.HashRevision != first.HashRevision {
				return false
			}
		}
		return first != nil
	case "stale-read":
		return r.res.get != nil && r.res.get.err == nil && r.res.get.stale
	case "read-refused":
		return r.res.get != nil && r.res.get.err != nil
	case "write-ok":
		return r.res.put != nil && r.res.put.err == nil
	case "write-refused":
		return r.res.put != nil && r.res.put.err != nil
	case "event":
		return r.events.kinds[w.Value]
	case "lease-expired":
		return r.leaseExpired()
	case "key", "no-key":
		k, ok := r.keys[w.Text]
		return ok && k.holds
	case "lincheck":
		v := r.res.verdict
		if v == nil {
			if ch, ok := r.eng.(engine.Checker); ok {
				if last, ok := ch.LastVerdict(); ok && last.Tick >= s.tick {
					v = &last
				}
			}
		}
		return v != nil && v.State() == w.Value
	case "ticks":
		return r.eng.Now() >= s.tick+uint64(w.N)
	case "applied>=", "snapshot-index>=":
		val := func(m engine.MemberView) uint64 {
			if w.Kind == "applied>=" {
				return m.Applied
			}
			return m.SnapshotIndex
		}
		n := uint64(w.N)
		switch w.On.Kind {
		case "leader":
			return hasLeader && val(l) >= n
		case "member":
			m, ok := c.member(w.On.ID)
			return ok && m.Up() && val(m) >= n
		case "any":
			for _, m := range c.st {
				if m.Up() && val(m) >= n {
					return true
				}
			}
			return false
		default: // all
			up := 0
			for _, m := range c.st {
				if m.Up() {
					up++
					if val(m) < n {
						return false
					}
				}
			}
			return up > 0
		}
	case "watched":
		return r.watch != nil && r.watch.count() >= w.N
	case "split-vote":
		return splitVoteSince(r.eng, s.seq)
	case "no-leader":
		return noLeader(c)
	case "stress-done":
		if r.stress == nil {
			return false
		}
		p := r.stress.Progress()
		return !p.Running && p.Done >= p.Total
	}
	return false
}

// describe says what a condition waits for, in words. Called with r.mu held.
func (r *Runner) describe(w Condition) string {
	s := r.starts[r.cur]
	switch w.Kind {
	case "leader":
		return "a leader"
	case "new-leader":
		if s.leader == 0 {
			return "a leader"
		}
		return fmt.Sprintf("a leader other than member %d, in a term above %d", s.leader, s.term)
	case "term>start":
		return fmt.Sprintf("a leader in a term above %d", s.term)
	case "down":
		if w.ID != 0 {
			return fmt.Sprintf("member %d down", w.ID)
		}
		return fmt.Sprintf("%d members down", w.N)
	case "all-up":
		return "every member running"
	case "converged":
		return "every running member at the same revision and hash"
	case "stale-read":
		return "a stale serializable read"
	case "read-refused":
		return "a read that fails"
	case "write-ok":
		return "a write that succeeds"
	case "write-refused":
		return "a write that fails"
	case "event":
		return "a " + w.Value + " event"
	case "lease-expired":
		return "the lease to expire"
	case "key":
		return fmt.Sprintf("%s=%s on every running member", w.Key, w.Value)
	case "no-key":
		return fmt.Sprintf("no key %s on any running member", w.Key)
	case "lincheck":
		if w.Value == "ok" {
			return "a linearizability check that passes"
		}
		return "a linearizability check that finds a violation"
	case "ticks":
		return fmt.Sprintf("%d ticks", w.N)
	case "applied>=":
		return fmt.Sprintf("applied index %d on %s", w.N, onWords(w.On))
	case "snapshot-index>=":
		return fmt.Sprintf("a snapshot at index %d or later on %s", w.N, onWords(w.On))
	case "watched":
		return fmt.Sprintf("%d events delivered to the watch", w.N)
	case "stress-done":
		return "the stress run to finish"
	case "split-vote":
		return "a split vote: a term whose candidates all lost"
	case "no-leader":
		return "no member leading"
	}
	return w.Text
}

func onWords(s Selector) string {
	switch s.Kind {
	case "all":
		return "every running member"
	case "any":
		return "some running member"
	case "leader":
		return "the leader"
	}
	return s.String()
}

// NeedsPoll reports whether the current step has conditions only Poll can
// check (key, no-key) that do not hold yet.
func (r *Runner) NeedsPoll() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, w := range r.tour.Steps[r.cur].Wait {
		if (w.Kind == "key" || w.Kind == "no-key") && !r.keys[w.Text].holds {
			return true
		}
	}
	return false
}

// Poll checks the current step's key and no-key conditions: a serializable
// get of the key on every running member. It returns at once while the
// engine is paused (a read waits for a tick). Call it from a goroutine
// that may wait, one at a time.
func (r *Runner) Poll(ctx context.Context) error {
	if r.eng.Paused() {
		return nil
	}
	r.mu.Lock()
	cur := r.cur
	var conds []Condition
	for _, w := range r.tour.Steps[cur].Wait {
		if w.Kind == "key" || w.Kind == "no-key" {
			conds = append(conds, w)
		}
	}
	r.mu.Unlock()
	for _, w := range conds {
		tick := r.eng.Now()
		holds := false
		for _, m := range r.eng.Status() {
			if !m.Up() {
				continue
			}
			resp, err := r.eng.Get(ctx, m.ID, mvcc.RangeRequest{Key: []byte(w.Key)}, true)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				holds = false
				break
			}
			if w.Kind == "no-key" {
				holds = len(resp.KVs) == 0
			} else {
				holds = len(resp.KVs) == 1 && string(resp.KVs[0].Value) == w.Value
			}
			if !holds {
				break
			}
		}
		r.mu.Lock()
		if r.cur == cur {
			if r.keys == nil {
				r.keys = map[string]keyRead{}
			}
			r.keys[w.Text] = keyRead{tick: tick, holds: holds}
		}
		r.mu.Unlock()
	}
	return nil
}

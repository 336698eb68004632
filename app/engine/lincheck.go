package engine

import (
	"context"
	"errors"
	"time"
)

// The linearizability check's protocol: Checker.CheckHistory (OpCheckHistory,
// answered in Response.Verdict) and the latest verdict in every Update
// that follows a change (Update.Verdict), filled by app/engine/local from
// node/cluster's CheckLinearizable.

// LinVerdictView is one check of the cluster's client history (every put,
// delete and linearizable single-key get, stress puts included) with
// porcupine, key by key (cluster.LinVerdict).
type LinVerdictView struct {
	// Seq numbers the engine's checks from 1; Running: this one has not
	// finished (the fields below are then zero).
	Seq     uint64
	Running bool
	// Auto: started by a stress run's end, not asked for.
	Auto bool
	// Tick: the cluster's tick when the history was taken.
	Tick uint64
	// OK: linearizable. Unknown: the search ran out of time. Err: the
	// check failed (cancelled, or a broken history).
	OK, Unknown bool
	Err         string
	// Ops and Keys checked; Dropped the oldest operations dropped to bound
	// memory; SkippedOps on SkippedKeys keys left out (a txn, a lease or a
	// range delete wrote them: the model cannot express those).
	Ops, Keys, Dropped, SkippedOps, SkippedKeys int
	// Elapsed is the check's wall time.
	Elapsed time.Duration
	// For a violation: the key, a small set of its operations that no
	// order explains (in invoke order), and why in words.
	Key         string
	Failing     []LinOpView
	Explanation string
	// OtherReads: reads left out (serializable ones, which may be stale
	// by design; ranges or prefixes, past revisions, keys or count only).
	OtherReads int
	// Skipped: an automatic check did not run, the history being larger
	// than the automatic check's bound (Ops says how large); a check
	// asked for checks it all.
	Skipped bool
}

// AutoCheckMaxOps bounds the history an engine's automatic check (after a
// stress run) takes on: a larger one (after the Benchmark panel's 100,000
// puts) gets a Skipped verdict instead, as its check would hold the
// engine's thread for seconds and allocate about 1.3 KB per operation;
// CheckHistory still checks it. The stress panel's largest run, 20,000
// puts, is checked.
const AutoCheckMaxOps = 50_000

// LinOpView is one operation of a verdict's failing set (cluster.LinOp).
type LinOpView struct {
	Member                 uint64
	InvokeTick, AnswerTick uint64 // AnswerTick is 0 while Pending
	Pending                bool
	Kind                   string // "put", "get" or "delete"
	Key, Value             string // Value: a put's value (long values abridged)
	// Answer: "ok", the value read (Go-quoted) or "absent", "deleted N",
	// "failed: <error>" or "pending". Plain text, to be shown as text.
	Answer string
	// Stale: the read the explanation names.
	Stale bool
}

// State names the verdict for the page's data-lincheck hook: "running",
// "ok", "violation", "unknown" (timed out), "error" or "skipped".
func (v *LinVerdictView) State() string {
	switch {
	case v.Running:
		return "running"
	case v.Err != "":
		return "error"
	case v.Skipped:
		return "skipped"
	case v.OK:
		return "ok"
	case v.Unknown:
		return "unknown"
	}
	return "violation"
}

// Checker is an Engine that checks its client history for
// linearizability. app/engine/local's engines and the Client implement it.
type Checker interface {
	// CheckHistory checks the history so far and waits for the verdict;
	// ctx cancels the check (its error is returned). The cluster runs on
	// meanwhile: the check works on a copy of the history.
	CheckHistory(ctx context.Context) (LinVerdictView, error)
	// LastVerdict returns the latest check's verdict (Running while it
	// runs; ok false: none yet), one asked for or one a stress run's end
	// started.
	LastVerdict() (v LinVerdictView, ok bool)
}

// errNoChecker answers OpCheckHistory on an engine that cannot check.
var errNoChecker = errors.New("this engine cannot check its history")

var _ Checker = (*remote)(nil)

func (r *remote) CheckHistory(ctx context.Context) (LinVerdictView, error) {
	p, err := r.c.call(ctx, &Request{Op: OpCheckHistory})
	if err != nil {
		return LinVerdictView{}, err
	}
	if p.Verdict == nil {
		return LinVerdictView{}, errNoChecker
	}
	return *p.Verdict, nil
}

// LastVerdict returns the verdict the latest update carried (the view
// replaces it, never changes it; the caller gets its own Failing).
func (r *remote) LastVerdict() (LinVerdictView, bool) {
	v := readView(r.c, func(v *view) *LinVerdictView { return v.verdict })
	if v == nil {
		return LinVerdictView{}, false
	}
	out := *v
	out.Failing = append([]LinOpView(nil), v.Failing...)
	return out, true
}

// verdictChanged reports whether v differs from the one last sent, by
// number and running state (a check's verdict never changes otherwise).
func verdictChanged(last *LinVerdictView, v LinVerdictView) bool {
	return last == nil || last.Seq != v.Seq || last.Running != v.Running
}

func writeVerdict(w *wbuf, v *LinVerdictView) {
	w.bool(v != nil)
	if v == nil {
		return
	}
	w.u(v.Seq)
	w.bool(v.Running)
	w.bool(v.Auto)
	w.u(v.Tick)
	w.bool(v.OK)
	w.bool(v.Unknown)
	w.str(v.Err)
	for _, n := range [...]int{v.Ops, v.Keys, v.Dropped, v.SkippedOps, v.SkippedKeys} {
		w.i(int64(n))
	}
	w.i(int64(v.Elapsed))
	w.str(v.Key)
	w.str(v.Explanation)
	w.u(uint64(len(v.Failing)))
	for i := range v.Failing {
		o := &v.Failing[i]
		w.u(o.Member)
		w.u(o.InvokeTick)
		w.u(o.AnswerTick)
		w.bool(o.Pending)
		w.str(o.Kind)
		w.str(o.Key)
		w.str(o.Value)
		w.str(o.Answer)
		w.bool(o.Stale)
	}
	w.bool(v.Skipped)
	w.i(int64(v.OtherReads))
}

func readVerdict(r *rbuf) *LinVerdictView {
	if !r.bool() {
		return nil
	}
	v := &LinVerdictView{Seq: r.u(), Running: r.bool(), Auto: r.bool(), Tick: r.u(), OK: r.bool(), Unknown: r.bool(), Err: r.str()}
	for _, n := range [...]*int{&v.Ops, &v.Keys, &v.Dropped, &v.SkippedOps, &v.SkippedKeys} {
		*n = r.int()
	}
	v.Elapsed = time.Duration(r.i())
	v.Key, v.Explanation = r.str(), r.str()
	if n := r.count(9); n > 0 {
		v.Failing = make([]LinOpView, n)
		for i := range v.Failing {
			v.Failing[i] = LinOpView{Member: r.u(), InvokeTick: r.u(), AnswerTick: r.u(), Pending: r.bool(),
				Kind: r.str(), Key: r.str(), Value: r.str(), Answer: r.str(), Stale: r.bool()}
		}
	}
	v.Skipped = r.bool()
	v.OtherReads = r.int()
	return v
}

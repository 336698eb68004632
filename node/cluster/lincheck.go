package cluster

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/etcd-play/etcd-play/node/lincheck"
)

// LinVerdict is the linearizability checker's answer on the client log
// (clientlog.go).
type LinVerdict struct {
	// OK: linearizable. Unknown: the search ran out of time (OK false).
	OK, Unknown bool
	// Ops and Keys checked (failed and pending reads are not counted).
	Ops, Keys int
	// Dropped: the oldest operations dropped to bound the log's memory.
	Dropped int
	// SkippedOps on SkippedKeys keys were left out: the keys saw a write
	// the model cannot express (a txn, a put with a lease, a range
	// delete) or held a lease.
	SkippedOps, SkippedKeys int
	// OtherReads: reads left out (serializable ones, which may be stale
	// by design; reads over a range or prefix, at a past revision, keys
	// or count only).
	OtherReads int
	// For a violation: the key, a small set of its operations that is
	// not linearizable by itself (in invoke order), and why in words.
	Key         string
	Failing     []LinOp
	Explanation string
}

// LinOp is one operation of a LinVerdict's failing set.
type LinOp struct {
	Member uint64
	// InvokeTick: the tick the call reached its member; AnswerTick the
	// tick it was answered (Pending: not yet).
	InvokeTick, AnswerTick uint64
	Pending                bool
	Kind                   string // "put", "get" or "delete"
	Key                    string
	Value                  string // a put's value (long values abridged)
	// Answer: "ok" (put), the value read as a Go quoted string or
	// "absent" (get), "deleted 1" / "deleted 0", "failed: <error>", or
	// "pending".
	Answer string
	// Stale: the read the explanation names.
	Stale bool
}

// String renders the operation on one line.
func (o LinOp) String() string {
	end := fmt.Sprint(o.AnswerTick)
	if o.Pending {
		end = "-"
	}
	what := fmt.Sprintf("%s(%q)", o.Kind, o.Key)
	if o.Kind == "put" {
		what = fmt.Sprintf("put(%q, %q)", o.Key, o.Value)
	}
	return fmt.Sprintf("member %d, ticks %d..%s: %s -> %s", o.Member, o.InvokeTick, end, what, o.Answer)
}

// String renders the verdict for logs and tests.
func (v LinVerdict) String() string {
	var b strings.Builder
	switch {
	case v.OK:
		fmt.Fprintf(&b, "linearizable: %d operations on %d keys", v.Ops, v.Keys)
	case v.Unknown:
		fmt.Fprintf(&b, "unknown (time out) after %d operations on %d keys", v.Ops, v.Keys)
	default:
		fmt.Fprintf(&b, "not linearizable: key %q: %s", v.Key, v.Explanation)
		for _, o := range v.Failing {
			b.WriteString("\n  " + o.String())
		}
	}
	if v.Dropped > 0 || v.SkippedOps > 0 || v.OtherReads > 0 {
		fmt.Fprintf(&b, " (%d oldest dropped, %d on %d keys left out, %d other reads)", v.Dropped, v.SkippedOps, v.SkippedKeys, v.OtherReads)
	}
	return b.String()
}

// ClientHistory is a copy of the client log taken at one moment, checked
// apart from the cluster (Check): taking it costs a copy of the log's chunk
// list, not of its events.
type ClientHistory struct {
	log clientLog
}

// ClientHistory returns a copy of the client log as it is now. It waits for
// a running Tick.
func (c *Cluster) ClientHistory() *ClientHistory {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &ClientHistory{log: c.clog.clone()}
}

// Ops returns the number of operations the history holds (its calls the
// model can express, answered or not).
func (h *ClientHistory) Ops() int {
	n := 0
	for _, ch := range h.log.chunks {
		for i := range ch {
			if k := ch[i].Kind; k >= evGet && k <= evDelete {
				n++
			}
		}
	}
	return n
}

// CheckLinearizable checks the client history so far (ClientHistory, then
// Check without a context), spending at most about timeout in the search
// (0: no limit). The cluster's lock is held only to copy the history.
func (c *Cluster) CheckLinearizable(timeout time.Duration) (LinVerdict, error) {
	return c.ClientHistory().Check(context.Background(), timeout, nil)
}

// Check decides whether the history is linearizable (lincheck's model,
// key by key); ctx cancels it (its error is returned); yield, if set, is
// called between batches of keys. Pending and failed writes may have
// applied; pending and failed reads are left out.
func (h *ClientHistory) Check(ctx context.Context, timeout time.Duration, yield func()) (LinVerdict, error) {
	l := &h.log
	var v LinVerdict
	v.Dropped = l.droppedOps
	// op[i] is the operation of event first+i (an invoke), or -1.
	end := l.next()
	opOf := make([]int32, end-l.first)
	ops := make([]lincheck.Operation, 0, (end-l.first)/2+1)
	// Per operation: its invoke and return events (for display).
	type ends struct{ inv, ret *clientEvent }
	evs := make([]ends, 0, cap(ops))
	refused := make([]bool, 0, cap(ops))
	spoiled := map[string]bool{}
	var ranges [][2]string
	cut := map[string]int64{} // per key: drop its operations invoked before
	for n := l.first; n < end; n++ {
		e := l.at(n)
		opOf[n-l.first] = -1
		switch e.Kind {
		case evGet, evPut, evDelete:
			op := lincheck.Operation{Client: int(e.Member), Call: int64(n) + 1}
			switch e.Kind {
			case evGet:
				op.Op = lincheck.Get(e.Key)
			case evPut:
				op.Op = lincheck.Put(e.Key, e.Value)
			default:
				op.Op = lincheck.Delete(e.Key)
			}
			opOf[n-l.first] = int32(len(ops))
			ops = append(ops, op)
			evs = append(evs, ends{inv: e})
			refused = append(refused, false)
		case evRead:
			v.OtherReads++
		case evSpoil:
			if e.Value == "" {
				spoiled[e.Key] = true
			} else {
				ranges = append(ranges, [2]string{e.Key, e.Value})
			}
		default: // a return
			if e.Invoke < l.first {
				// Its invoke was dropped: the key's history restarts after.
				cut[e.Key] = max(cut[e.Key], int64(n)+1)
				continue
			}
			i := opOf[e.Invoke-l.first]
			if i < 0 {
				continue
			}
			op := &ops[i]
			op.Return = int64(n) + 1
			evs[i].ret = e
			switch e.Kind {
			case evRefused:
				refused[i] = true
			case evFailed:
				op.Failed = true
			case evLeased:
				spoiled[e.Key] = true
				fallthrough
			case evOK:
				op.Out = lincheck.Output{Value: e.Value, Found: e.Found}
				if e.Deleted {
					op.Out.Deleted = 1
				}
			}
		}
	}
	inRange := func(k string) bool {
		for _, r := range ranges {
			if k >= r[0] && (r[1] == "\x00" || k < r[1]) {
				return true
			}
		}
		return false
	}
	skipped := map[string]bool{}
	// Keep the operations checked, in place (with their events).
	keep := ops[:0]
	kept := evs[:0]
	for i, op := range ops {
		k := op.Op.Key
		switch {
		case refused[i]:
		case spoiled[k] || len(ranges) > 0 && inRange(k):
			skipped[k] = true
			v.SkippedOps++
		case op.Call < cut[k]:
			v.Dropped++
		default:
			keep = append(keep, op)
			kept = append(kept, evs[i])
		}
	}
	v.SkippedKeys = len(skipped)
	res, err := lincheck.CheckOperations(ctx, keep, lincheck.Options{
		UnknownInitial: l.unknownStart || l.first > 0,
		Timeout:        timeout,
		Yield:          yield,
	})
	if err != nil {
		return LinVerdict{}, err
	}
	v.OK, v.Unknown, v.Ops, v.Keys = res.OK, res.Unknown, res.Ops, res.Keys
	if res.OK || res.Unknown {
		return v, nil
	}
	v.Key, v.Explanation = res.Key, res.Info
	for _, j := range res.Failing {
		v.Failing = append(v.Failing, linOp(keep[j], kept[j].inv, kept[j].ret, j == res.Stale))
	}
	return v, nil
}

// linOp renders operation op, invoked by event inv and answered by ret
// (nil: pending).
func linOp(op lincheck.Operation, inv, ret *clientEvent, stale bool) LinOp {
	o := LinOp{Member: uint64(inv.Member), InvokeTick: inv.Tick, Kind: op.Op.Kind.String(), Key: op.Op.Key, Stale: stale}
	if op.Op.Kind == lincheck.KindPut {
		o.Value = op.Op.Value
	}
	switch {
	case ret == nil:
		o.Pending, o.Answer = true, "pending"
		return o
	case ret.Kind == evFailed:
		o.Answer = "failed: " + ret.Value
	case op.Op.Kind == lincheck.KindPut:
		o.Answer = "ok"
	case op.Op.Kind == lincheck.KindDelete:
		o.Answer = fmt.Sprintf("deleted %d", op.Out.Deleted)
	case op.Out.Found:
		o.Answer = fmt.Sprintf("%q", op.Out.Value)
	default:
		o.Answer = "absent"
	}
	o.AnswerTick = ret.Tick
	return o
}

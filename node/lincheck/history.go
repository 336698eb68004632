package lincheck

import (
	"context"
	"fmt"
	"time"

	"github.com/anishathalye/porcupine"
)

// Operation is one operation of a history whose logical times the caller
// assigned itself (CheckOperations), instead of a Recorder's. Times are
// positive and strictly ordered: Call < Return, and an operation invoked
// after another returned has a larger Call than that Return.
type Operation struct {
	// Client labels the operation (the page: its member).
	Client int
	Op     Op
	Out    Output
	// Call and Return are logical times; Return 0: the operation never
	// returned (pending when the history was taken).
	Call, Return int64
	// Failed: it returned an error or timed out. A failed or pending
	// write may have been applied (any time after Call, or never); a
	// failed or pending read is left out.
	Failed bool
}

// Options tune CheckOperations.
type Options struct {
	// UnknownInitial: each key starts with an unknown value (present or
	// not) instead of absent: its first observation fixes it. For a
	// history that does not start with the store (data loaded from
	// storage, or the oldest operations dropped).
	UnknownInitial bool
	// Timeout bounds the wall time of porcupine's search over the whole
	// history (0: no limit); the search for a small failing set has its
	// own budget of at most a second more.
	Timeout time.Duration
	// Yield, if set, is called between batches of keys (the page's
	// worker hands its thread back to the cluster's ticks there).
	Yield func()
}

// Verdict is CheckOperations' answer.
type Verdict struct {
	OK bool
	// Unknown: the search hit the timeout before a verdict.
	Unknown bool
	// Keys and Ops checked (failed and pending reads are not counted).
	Keys, Ops int
	// For a violation: the first key found not linearizable, and
	// Failing, the indexes (into the history given) of a small subset of
	// its operations that is itself not linearizable, every value read
	// in it written by an operation in it (when the history has one), in
	// call order; removing any one of them makes it linearizable, unless
	// the budget ran out first.
	Key     string
	Failing []int
	// Info explains the violation in a sentence or two; Stale is the
	// index (into the history given) of the read it names, or -1.
	Info  string
	Stale int
}

// batchOps is how many operations CheckOperations hands porcupine at
// once, between checks of ctx and calls to Yield.
const batchOps = 4096

// minimizeBudget bounds the search for a small failing set.
const minimizeBudget = time.Second

// CheckOperations decides whether ops are linearizable, one key at a time
// (see the package comment). ctx cancels it (its error is returned). An
// operation with an unknown Kind is an ErrBadOp error.
func CheckOperations(ctx context.Context, ops []Operation, opts Options) (Verdict, error) {
	start := time.Now()
	model := kvModel
	if opts.UnknownInitial {
		model.Init = func() any { return state{Unknown: true} }
	}
	var end int64
	for i := range ops {
		if k := ops[i].Op.Kind; k < KindGet || k > KindDelete {
			return Verdict{}, fmt.Errorf("%w: operation %d has kind %v", ErrBadOp, i, k)
		}
		end = max(end, ops[i].Call, ops[i].Return)
	}
	end++
	// Per key, in order of first appearance, each key's operations
	// contiguous in flat (in history order): a batch of keys is a
	// subslice, and its partitions are the keys' own subslices.
	index := map[string]int32{}
	keyOf := make([]int32, len(ops))
	var counts []int
	v := Verdict{Stale: -1}
	for i := range ops {
		o := &ops[i]
		keyOf[i] = -1
		if (o.Failed || o.Return == 0) && o.Op.Kind == KindGet {
			continue
		}
		k, ok := index[o.Op.Key]
		if !ok {
			k = int32(len(counts))
			index[o.Op.Key] = k
			counts = append(counts, 0)
		}
		keyOf[i] = k
		counts[k]++
		v.Ops++
	}
	v.Keys = len(counts)
	flat := make([]porcupine.Operation, v.Ops)
	keys := make([][]porcupine.Operation, len(counts))
	begin := make([]int, len(counts)) // keys[k] starts at flat[begin[k]]
	next := make([]int, len(counts))
	for k, at := 0, 0; k < len(counts); k++ {
		keys[k] = flat[at : at+counts[k] : at+counts[k]]
		begin[k], next[k] = at, at
		at += counts[k]
	}
	for i := range ops {
		k := keyOf[i]
		if k < 0 {
			continue
		}
		o := &ops[i]
		p := &flat[next[k]]
		next[k]++
		*p = porcupine.Operation{ClientId: o.Client, Input: o.Op, Call: o.Call, Metadata: i}
		if o.Failed || o.Return == 0 {
			p.Output, p.Return = output{Unknown: true}, end
		} else {
			p.Output, p.Return = output{Output: o.Out}, o.Return
		}
	}
	one := model
	one.Partition = nil
	remaining := func() (time.Duration, bool) {
		if opts.Timeout <= 0 {
			return 0, true
		}
		left := opts.Timeout - time.Since(start)
		return left, left > 0
	}
	for first := 0; first < len(keys); {
		if err := ctx.Err(); err != nil {
			return Verdict{}, err
		}
		if opts.Yield != nil && first > 0 {
			opts.Yield()
		}
		last, n := first, 0
		for last < len(keys) && (n == 0 || n+len(keys[last]) <= batchOps) {
			n += len(keys[last])
			last++
		}
		batch := flat[begin[first] : begin[first]+n]
		parts := keys[first:last]
		model.Partition = func([]porcupine.Operation) [][]porcupine.Operation { return parts }
		left, ok := remaining()
		if !ok {
			v.Unknown = true
			return v, nil
		}
		switch porcupine.CheckOperationsTimeout(model, batch, left) {
		case porcupine.Unknown:
			v.Unknown = true
			return v, nil
		case porcupine.Illegal:
			for _, part := range keys[first:last] {
				if porcupine.CheckOperationsTimeout(one, part, left) != porcupine.Illegal {
					continue
				}
				small := minimize(ctx, one, part, time.Now().Add(minimizeBudget))
				v.Key = part[0].Input.(Op).Key
				for _, op := range small {
					v.Failing = append(v.Failing, op.Metadata.(int))
				}
				var stale int
				v.Info, stale = explainSmall(small)
				if stale >= 0 {
					v.Stale = small[stale].Metadata.(int)
				}
				return v, nil
			}
			// porcupine found a violation in the batch but in no key
			// alone: impossible for independent keys; say so.
			return v, fmt.Errorf("lincheck: a batch of keys is not linearizable but none of its keys alone is")
		}
		first = last
	}
	v.OK = true
	return v, nil
}

// minimize shrinks part, one key's non-linearizable history, to a subset
// that is still not linearizable and in which every value read was written
// by a put of the subset when part has one: it tries to remove runs of
// operations, halving their length down to one (then single ones until
// none can go), keeping each removal that leaves the history illegal. It stops at deadline or when ctx is done,
// returning the smallest failing set so far (in call order).
func minimize(ctx context.Context, m porcupine.Model, part []porcupine.Operation, deadline time.Time) []porcupine.Operation {
	written := map[string]bool{}
	for _, op := range part {
		if in := op.Input.(Op); in.Kind == KindPut {
			written[in.Value] = true
		}
	}
	// closed reports whether every successful read of set whose value some
	// put of part wrote has such a put in set.
	closed := func(set []porcupine.Operation) bool {
		have := map[string]bool{}
		for _, op := range set {
			if in := op.Input.(Op); in.Kind == KindPut {
				have[in.Value] = true
			}
		}
		for _, op := range set {
			out := op.Output.(output)
			if op.Input.(Op).Kind == KindGet && out.Found && written[out.Value] && !have[out.Value] {
				return false
			}
		}
		return true
	}
	cur := append([]porcupine.Operation(nil), part...)
	// Runs of halving length; single operations again until none goes
	// (a removal may make an earlier one possible).
	for size, again := max(len(cur)/2, 1), true; again; size = max(size/2, 1) {
		again = size > 1
		for i := 0; i+size <= len(cur); {
			if ctx.Err() != nil || time.Now().After(deadline) {
				return cur
			}
			try := append(append([]porcupine.Operation(nil), cur[:i]...), cur[i+size:]...)
			left := time.Until(deadline)
			if len(try) > 0 && closed(try) && porcupine.CheckOperationsTimeout(m, try, left) == porcupine.Illegal {
				cur, again = try, true
				continue
			}
			i += size
		}
	}
	return cur
}

// explainSmall says in words why a small failing set is not linearizable:
// a read that returned an older value after a write had finished (a stale
// read, whose index in ops it returns), or else the general statement
// (and -1).
func explainSmall(ops []porcupine.Operation) (string, int) {
	for ri, r := range ops {
		in, out := r.Input.(Op), r.Output.(output)
		if in.Kind != KindGet || out.Unknown {
			continue
		}
		for _, w := range ops {
			win, wout := w.Input.(Op), w.Output.(output)
			if wout.Unknown || w.Return >= r.Call {
				continue
			}
			switch {
			case win.Kind == KindPut && (!out.Found || out.Value != win.Value):
				got := "no value"
				if out.Found {
					got = fmt.Sprintf("%q", out.Value)
				}
				return fmt.Sprintf("stale read: put(%q, %q) finished before get(%q) started, yet the get returned %s; "+
					"no order of these %d operations, each taking effect between its start and its end, gives every answer shown",
					win.Key, win.Value, in.Key, got, len(ops)), ri
			case win.Kind == KindDelete && out.Found:
				return fmt.Sprintf("stale read: delete(%q) finished before get(%q) started, yet the get returned %q; "+
					"no order of these %d operations, each taking effect between its start and its end, gives every answer shown",
					win.Key, in.Key, out.Value, len(ops)), ri
			}
		}
	}
	return fmt.Sprintf("no order of these %d operations, each taking effect between its start and its end, gives every answer shown", len(ops)), -1
}

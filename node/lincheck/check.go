package lincheck

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// Result is Check's verdict.
type Result struct {
	// OK: the history is linearizable.
	OK bool
	// Unknown: the search hit the timeout before a verdict (OK is false).
	Unknown bool
	// Partitions is the number of keys checked; Ops the number of
	// operations in the checked history (failed reads are left out).
	Partitions, Ops int
	// Info explains a violation: the first non-linearizable key's
	// history, one operation per line with its logical call and return
	// times. Empty otherwise.
	Info string
}

// Check decides whether the history recorded so far is linearizable,
// spending at most about timeout of wall time in porcupine's search (0 means
// no limit). It may be called while operations are still pending: they count
// as failed. It returns an error, and no verdict, if the history holds an
// operation with an unknown Kind.
func (r *Recorder) Check(timeout time.Duration) (Result, error) {
	hist, err := r.history()
	if err != nil {
		return Result{}, err
	}
	parts := partitionByKey(hist)
	res := Result{Partitions: len(parts), Ops: len(hist)}
	switch porcupine.CheckOperationsTimeout(kvModel, hist, timeout) {
	case porcupine.Ok:
		res.OK = true
		return res, nil
	case porcupine.Unknown:
		res.Unknown = true
		return res, nil
	}
	// Illegal: find a failing key to explain (porcupine stops at the first
	// failing partition without saying which).
	one := kvModel
	one.Partition = nil
	for _, part := range parts {
		if porcupine.CheckOperationsTimeout(one, part, timeout) == porcupine.Illegal {
			res.Info = explain(part)
			break
		}
	}
	return res, nil
}

// Visualize writes porcupine's interactive HTML view of the history and
// its (partial) linearizations to w, for debugging a failing run.
func (r *Recorder) Visualize(w io.Writer, timeout time.Duration) error {
	hist, err := r.history()
	if err != nil {
		return err
	}
	_, info := porcupine.CheckOperationsVerbose(kvModel, hist, timeout)
	return porcupine.Visualize(kvModel, info, w)
}

// history converts the records into porcupine operations. Failed and
// pending writes return at end, after every recorded time; failed and
// pending reads, and discarded operations, are left out.
func (r *Recorder) history() ([]porcupine.Operation, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	end := r.now + 1
	hist := make([]porcupine.Operation, 0, len(r.ops))
	for id, rec := range r.ops {
		if rec.op.Kind < KindGet || rec.op.Kind > KindDelete {
			return nil, fmt.Errorf("%w: operation %d has kind %v", ErrBadOp, id, rec.op.Kind)
		}
		failed := rec.unknown || rec.ret == 0
		if rec.discarded || failed && rec.op.Kind == KindGet {
			continue
		}
		op := porcupine.Operation{ClientId: rec.client, Input: rec.op, Call: rec.call}
		if failed {
			op.Output, op.Return = output{Unknown: true}, end
		} else {
			op.Output, op.Return = output{Output: rec.out}, rec.ret
		}
		hist = append(hist, op)
	}
	return hist, nil
}

// explain renders one key's operations in call order.
func explain(part []porcupine.Operation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "key %q is not linearizable (%d operations, [call, return] in logical time, end = never returned):",
		part[0].Input.(Op).Key, len(part))
	for _, op := range part {
		out := op.Output.(output)
		ret := fmt.Sprint(op.Return)
		if out.Unknown {
			ret = "end"
		}
		fmt.Fprintf(&b, "\n  [%d, %s] client %d: %s", op.Call, ret, op.ClientId, describe(op.Input.(Op), out))
	}
	return b.String()
}

// Package lincheck records a client history against a key-value store and
// checks it for linearizability with porcupine
// (github.com/anishathalye/porcupine), one key at a time.
//
// The model is a map of independent registers: Put(key, value), Get(key)
// and Delete(key). Checking per key is sound because every operation touches
// one key. Callers must give every Put a value never used before for its key:
// unique values make writes identifiable, which keeps the search small and
// the verdict meaningful.
//
// Time is logical: the Recorder numbers Invoke and Return calls with a
// monotonic counter, so the history's real-time order is the order in which
// the caller reported invocations and returns. Record an invocation before
// the request is issued and its return after the answer is observed; never
// the wall clock. (Check's timeout bounds porcupine's search in wall time;
// it is the only clock involved, and only in the checker.)
//
// A write that failed or timed out may still have been applied (the
// proposal may have committed after the error), so it is recorded with an
// unknown outcome and a return at the end of the history: the checker may
// linearize it at any point after its invocation, or effectively never.
// Each such write multiplies the checker's search, so a caller that knows a
// write was refused before it could take effect records it with Discard. A
// read that failed has no effect and is left out. Only linearizable reads
// belong in a history; serializable (possibly stale) reads do not.
package lincheck

import (
	"errors"
	"fmt"
	"sync"
)

// Kind is the kind of an operation.
type Kind uint8

const (
	KindGet Kind = iota + 1
	KindPut
	KindDelete
)

func (k Kind) String() string {
	switch k {
	case KindGet:
		return "get"
	case KindPut:
		return "put"
	case KindDelete:
		return "delete"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Op is one client operation on one key.
type Op struct {
	Kind  Kind
	Key   string
	Value string // Put only
}

// Get, Put and Delete build operations.
func Get(key string) Op        { return Op{Kind: KindGet, Key: key} }
func Put(key, value string) Op { return Op{Kind: KindPut, Key: key, Value: value} }
func Delete(key string) Op     { return Op{Kind: KindDelete, Key: key} }

// Output is what a successful operation returned. Get fills Value and
// Found; Delete fills Deleted (the number of keys deleted, 0 or 1); Put
// fills nothing.
type Output struct {
	Value   string
	Found   bool
	Deleted int64
}

// Recorder collects a history. It is safe for concurrent use; the zero
// value is ready to use.
type Recorder struct {
	mu sync.Mutex
	// now is the logical clock: incremented by every Invoke and Return.
	now int64
	ops []record
}

type record struct {
	client int
	op     Op
	call   int64
	// ret is 0 while the operation is pending.
	ret int64
	out Output
	// unknown: the operation failed or timed out; for a write its effect
	// is unknown, for a read it is left out of the history.
	unknown bool
	// discarded: the operation certainly had no effect; it is left out.
	discarded bool
}

// Errors from Return, Discard and Check.
var (
	ErrBadOp        = errors.New("lincheck: bad operation")
	ErrUnknownID    = errors.New("lincheck: unknown operation id")
	ErrDoubleReturn = errors.New("lincheck: operation already returned")
)

// Invoke records that client invoked op now and returns the operation's id
// for Return. client is a small non-negative number naming the logical
// client (it only labels visualizations). An op with an unknown Kind is
// kept, and makes Check fail with ErrBadOp, so that nothing is lost quietly.
func (r *Recorder) Invoke(client int, op Op) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now++
	r.ops = append(r.ops, record{client: max(client, 0), op: op, call: r.now})
	return len(r.ops) - 1
}

// Return records that operation id returned now. If err is non-nil or
// timedOut is true, out is ignored and the operation counts as failed: a
// write is possibly applied, a read is left out of the history. An
// operation never returned counts as failed too.
func (r *Recorder) Return(id int, out Output, err error, timedOut bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, bad := r.returning(id)
	if bad != nil {
		return bad
	}
	if err != nil || timedOut {
		rec.unknown = true
		return nil
	}
	rec.out = out
	return nil
}

// Discard records that operation id returned now without having had any
// effect: it was refused before it could be applied (the member was down,
// or knew no leader and never proposed it). It is left out of the history.
// Use Return with an error when in doubt: discarding a write that was in
// fact applied can only make Check report a violation, never hide one.
func (r *Recorder) Discard(id int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, err := r.returning(id)
	if err != nil {
		return err
	}
	rec.discarded = true
	return nil
}

// Len returns the number of operations invoked so far.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.ops)
}

// returning stamps the return time of operation id, which must exist and
// not have returned yet. The caller holds r.mu.
func (r *Recorder) returning(id int) (*record, error) {
	if id < 0 || id >= len(r.ops) {
		return nil, fmt.Errorf("%w: %d", ErrUnknownID, id)
	}
	rec := &r.ops[id]
	if rec.ret != 0 {
		return nil, fmt.Errorf("%w: %d", ErrDoubleReturn, id)
	}
	r.now++
	rec.ret = r.now
	return rec, nil
}

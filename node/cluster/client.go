package cluster

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Op is one client request (exactly one field set); Result its answer. See
// node.Op for the meaning of each field.
type (
	Op     = node.Op
	Result = node.Result
)

// ErrMemberDown answers calls made to a member that is down.
var ErrMemberDown = errors.New("cluster: member is down (connection refused)")

// errPending is what Result returns before the call is done.
var errPending = errors.New("cluster: call still pending")

// Call is one client call in flight. Its fields are set once, before it
// is marked answered.
type Call struct {
	cluster *Cluster // set when the call is submitted
	member  uint64
	op      Op
	quiet   bool // stress load: no per-call event

	// answered is set, with mu held, once the answer below is stored;
	// done, made by the first Done before that (or given by the creator),
	// is closed at the same time. A caller that polls (Answered, Result)
	// never makes the channel.
	answered  atomic.Bool
	mu        sync.Mutex
	done      chan struct{}
	submitted uint64 // tick the call reached its member
	finished  uint64 // tick it was answered
	res       Result
	err       error

	// What the cluster does when the call is answered (data, not closures,
	// so that a checkpoint copies calls exactly: clone.go): run, a stress
	// run's put, is counted before done closes and its run's end checked
	// after; compaction, an auto-compaction's target revision, clears the
	// compactor's flag before done closes (compactor.go).
	run        *StressRun
	compaction int64

	// logged is the number of the call's invoke event in the client log
	// plus one (0: not logged). Set by submit (clientlog.go).
	logged uint64
}

// closed is the channel Done returns for a call answered before anyone
// asked for its channel.
var closed = func() chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}()

// Done returns a channel closed when the call is answered.
func (c *Call) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		if c.answered.Load() {
			return closed
		}
		c.done = make(chan struct{})
	}
	return c.done
}

// Answered reports whether the call has its answer: Done is closed and
// Result returns it. Unlike a receive from Done, it allocates nothing.
func (c *Call) Answered() bool { return c.answered.Load() }

// Result returns the call's answer once it is answered (before that, an
// error saying the call is pending).
func (c *Call) Result() (Result, error) {
	if !c.answered.Load() {
		return Result{}, errPending
	}
	return c.res, c.err
}

// LatencyTicks returns how many ticks the call took (0 before it is
// answered).
func (c *Call) LatencyTicks() uint64 {
	if !c.answered.Load() {
		return 0
	}
	return c.finished - c.submitted
}

// markAnswered publishes the stored answer and closes done if it was made.
func (c *Call) markAnswered() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answered.Store(true)
	if c.done != nil {
		close(c.done)
	}
}

// Do sends op to member at the next tick and returns at once. The call is
// answered (Done closed) during a later Tick: with the member's response,
// with etcd's error, or with ErrMemberDown / an ErrNoMember error.
func (c *Cluster) Do(member uint64, op Op) *Call {
	call := &Call{member: member, op: op}
	c.enqueueCall(call)
	return call
}

// submit hands a call to its member. Called with c.mu held, during Tick.
func (c *Cluster) submit(call *Call) {
	call.submitted = c.now
	c.logInvoke(call)
	if err := c.checkID(call.member); err != nil {
		call.err = err
		c.answer(call)
		return
	}
	m := c.members[call.member]
	if m == nil && c.serveFullDisk(call) {
		return
	}
	if m == nil {
		call.err = fmt.Errorf("member %d: %w", call.member, ErrMemberDown)
		c.answer(call)
		return
	}
	call.cluster = c
	m.SubmitTo(call.op, (*answerer)(call))
	c.flush(call.member)
}

// answerer is the member's view of a Call (a pointer conversion, so that
// submitting allocates no callback): its answer is stored in the call and
// the call recorded as an effect of the member, on the goroutine running
// it; flush replays it. Storing early is safe: nothing reads res or err
// before done is closed, which flush does after the round.
type answerer Call

func (a *answerer) Answer(res Result, err error) {
	call := (*Call)(a)
	storeResult(&call.res, &res)
	if err != nil {
		call.err = err
	}
	call.cluster.later(call.member, effect{call: call})
}

// storeResult sets *dst, the zero Result, to *src, writing only src's
// header and its non-nil responses. A whole-Result copy into the heap goes
// through the bulk write barrier for all nine response pointers whenever
// the GC is marking, and this is the path of every call.
// (TestStoreResult checks that it copies every field of Result.)
func storeResult(dst, src *Result) {
	dst.Header = src.Header
	if src.Put != nil {
		dst.Put = src.Put
	}
	if src.Range != nil {
		dst.Range = src.Range
	}
	if src.DeleteRange != nil {
		dst.DeleteRange = src.DeleteRange
	}
	if src.Txn != nil {
		dst.Txn = src.Txn
	}
	if src.Compact != nil {
		dst.Compact = src.Compact
	}
	if src.LeaseGrant != nil {
		dst.LeaseGrant = src.LeaseGrant
	}
	if src.LeaseRevoke != nil {
		dst.LeaseRevoke = src.LeaseRevoke
	}
	if src.LeaseKeepAlive != nil {
		dst.LeaseKeepAlive = src.LeaseKeepAlive
	}
	if src.LeaseTimeToLive != nil {
		dst.LeaseTimeToLive = src.LeaseTimeToLive
	}
	if src.LeaseLeases != nil {
		dst.LeaseLeases = src.LeaseLeases
	}
}

// answer completes a call whose res and err are set (by submit, or by its
// member through answerer). Runs with c.mu held, inside Tick.
func (c *Cluster) answer(call *Call) {
	call.finished = c.now
	err := call.err
	if call.logged != 0 {
		c.logReturn(call)
	}
	if call.run != nil {
		call.run.putDone(call)
	}
	if call.compaction != 0 {
		c.compactionDone(call)
	}
	if !call.quiet {
		b := describe(c.text[:0], &call.op)
		b = strconv.AppendUint(append(b, " on member "...), call.member, 10)
		if err != nil {
			b = append(append(b, " failed: "...), err.Error()...)
		} else {
			b = outcome(append(b, ": "...), &call.res)
		}
		c.emit(Event{Kind: "client", Member: call.member, OK: err == nil, LatencyTicks: call.finished - call.submitted, Text: string(b)})
		c.text = b[:0]
	}
	call.markAnswered()
	if call.run != nil {
		c.stressFinished(call.run)
	}
}

// Put writes key=value through member (blocking helper for the UI: it needs
// a running driver; ctx cancels the wait, not the request).
func (c *Cluster) Put(ctx context.Context, member uint64, key, value []byte) (*mvcc.PutResponse, error) {
	res, err := c.wait(ctx, c.Do(member, Op{Put: &mvcc.PutRequest{Key: key, Value: value}}))
	if err != nil {
		return nil, err
	}
	return res.Put, nil
}

// Get ranges through member, linearizable unless serializable.
func (c *Cluster) Get(ctx context.Context, member uint64, req mvcc.RangeRequest, serializable bool) (*mvcc.RangeResponse, error) {
	res, err := c.wait(ctx, c.Do(member, Op{Range: &req, Serializable: serializable}))
	if err != nil {
		return nil, err
	}
	return res.Range, nil
}

// Delete deletes a key or range through member.
func (c *Cluster) Delete(ctx context.Context, member uint64, req mvcc.DeleteRangeRequest) (*mvcc.DeleteRangeResponse, error) {
	res, err := c.wait(ctx, c.Do(member, Op{DeleteRange: &req}))
	if err != nil {
		return nil, err
	}
	return res.DeleteRange, nil
}

func (c *Cluster) wait(ctx context.Context, call *Call) (Result, error) {
	select {
	case <-call.Done():
		return call.res, call.err
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// describe renders a request as a short etcdctl-like line.
func describe(b []byte, op *Op) []byte {
	switch {
	case op.Put != nil:
		b = appendKey(append(b, "put "...), op.Put.Key)
		b = strconv.AppendInt(append(b, " ("...), int64(len(op.Put.Value)), 10)
		return append(b, " bytes)"...)
	case op.Range != nil:
		b = appendRange(append(b, "get "...), op.Range.Key, op.Range.End)
		if op.Serializable {
			return append(b, " (serializable)"...)
		}
		return append(b, " (linearizable)"...)
	case op.DeleteRange != nil:
		return appendRange(append(b, "del "...), op.DeleteRange.Key, op.DeleteRange.End)
	case op.Txn != nil:
		return fmt.Appendf(b, "txn (%d compares, %d/%d ops)", len(op.Txn.Compare), len(op.Txn.Success), len(op.Txn.Failure))
	case op.Compact != 0:
		return strconv.AppendInt(append(b, "compact "...), op.Compact, 10)
	case op.LeaseGrant != nil:
		return fmt.Appendf(b, "lease grant %ds", op.LeaseGrant.TTL)
	case op.LeaseRevoke != 0:
		return fmt.Appendf(b, "lease revoke %x", op.LeaseRevoke)
	case op.LeaseKeepAlive != 0:
		return fmt.Appendf(b, "lease keep-alive %x", op.LeaseKeepAlive)
	case op.LeaseTimeToLive != 0:
		return fmt.Appendf(b, "lease timetolive %x", op.LeaseTimeToLive)
	case op.LeaseLeases:
		return append(b, "lease list"...)
	}
	return append(b, "empty request"...)
}

// outcome renders a successful result briefly.
func outcome(b []byte, r *Result) []byte {
	switch {
	case r.Range != nil:
		b = strconv.AppendInt(b, r.Range.Count, 10)
		b = strconv.AppendInt(append(b, " keys at revision "...), r.Header.Revision, 10)
		return b
	case r.DeleteRange != nil:
		b = strconv.AppendInt(append(b, "deleted "...), r.DeleteRange.Deleted, 10)
		return strconv.AppendInt(append(b, " at revision "...), r.Header.Revision, 10)
	case r.Txn != nil:
		return fmt.Appendf(b, "succeeded=%t at revision %d", r.Txn.Succeeded, r.Header.Revision)
	case r.LeaseGrant != nil:
		return fmt.Appendf(b, "lease %x granted, TTL %ds", r.LeaseGrant.ID, r.LeaseGrant.TTL)
	case r.LeaseTimeToLive != nil:
		return fmt.Appendf(b, "TTL %ds of %ds", r.LeaseTimeToLive.TTL, r.LeaseTimeToLive.GrantedTTL)
	case r.LeaseLeases != nil:
		return fmt.Appendf(b, "%d leases", len(r.LeaseLeases.IDs))
	}
	return strconv.AppendInt(append(b, "ok at revision "...), r.Header.Revision, 10)
}

func appendRange(b, key, end []byte) []byte {
	switch {
	case len(end) == 0:
		return appendKey(b, key)
	case len(end) == 1 && end[0] == 0:
		return append(appendKey(b, key), " --from-key"...)
	}
	b = appendKey(append(b, '['), key)
	return append(appendKey(append(b, ", "...), end), ')')
}

// appendKey quotes a key, cut to 40 bytes, as strconv.AppendQuote does.
func appendKey(b, key []byte) []byte {
	if len(key) > 40 {
		return append(appendQuoted(b, key[:40]), "..."...)
	}
	return appendQuoted(b, key)
}

// appendQuoted is strconv.AppendQuote(b, string(k)), with a shortcut for
// the common key made of printable ASCII other than '"' and '\\', which
// quotes to itself (every client call's event line quotes its key).
func appendQuoted(b, k []byte) []byte {
	for _, c := range k {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, string(k))
		}
	}
	b = append(b, '"')
	b = append(b, k...)
	return append(b, '"')
}

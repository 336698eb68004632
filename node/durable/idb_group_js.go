//go:build js

package durable

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall/js"
	"time"
)

// Group commit. IndexedDB runs the readwrite transactions of one object
// store one after another, and each costs a round trip to the browser's
// storage process and a commit there whatever its size. The cluster's
// members save at the same moment (cluster.Config.ConcurrentRounds: a
// tick's rounds run on goroutines of their own), so the writes issued
// together, from any namespaces, go into one transaction.
//
// Contracts kept: each Write returns once its batch is stored ("complete")
// or with an error meaning none of it is, except ErrKilled (db.go). A
// transaction that fails fails every write in it with the same error (a
// full disk is full for every member). A write whose namespace is killed
// while it waits is never stored: not yet issued, it is dropped; issued,
// its transaction is aborted and the other writes in it go again in a new
// one (if the abort came too late, everything in it is stored and the
// killed write still returns ErrKilled).

// idbWrite is one Write waiting in a group.
type idbWrite struct {
	ns     string
	ops    []op
	killed <-chan struct{}
	issued func()
	done   chan error // buffered: the write's outcome, sent once
}

// idbGroup gathers the writes issued together.
type idbGroup struct {
	mu        sync.Mutex
	pending   []*idbWrite
	gathering bool // a goroutine of gather's will take pending
}

func (b *idbBackend) write(ns string, ops []op, killed <-chan struct{}, issued func()) error {
	if b.lost.Load() {
		return errLost
	}
	if b.silent.Load() {
		return noAnswerBecause(fmt.Sprintf("write in %q not tried: an earlier write got no answer within %v", ns, CallTimeout))
	}
	w := &idbWrite{ns: ns, ops: ops, killed: killed, issued: issued, done: make(chan error, 1)}
	g := &b.group
	g.mu.Lock()
	g.pending = append(g.pending, w)
	start := !g.gathering
	g.gathering = true
	g.mu.Unlock()
	if start {
		go b.gather()
	}
	return <-w.done
}

// gather lets the goroutines that can run now (the other members' rounds
// of the tick) add their writes, then commits them all. Its own goroutine,
// one at a time; a write that comes later starts the next, whose
// transaction IndexedDB queues behind this one's.
func (b *idbBackend) gather() {
	runtime.Gosched()
	g := &b.group
	g.mu.Lock()
	ws := g.pending
	g.pending, g.gathering = nil, false
	g.mu.Unlock()
	b.commit(ws)
}

// commit stores ws in one transaction and answers each write.
func (b *idbBackend) commit(ws []*idbWrite) {
	for len(ws) > 0 {
		live := ws[:0]
		for _, w := range ws {
			if isClosed(w.killed) {
				w.done <- ErrKilled // never issued
			} else {
				live = append(live, w)
			}
		}
		if len(live) == 0 {
			return
		}
		err, retry := b.runTx(live)
		if !retry {
			for _, w := range live {
				w.done <- err
			}
			return
		}
		// Aborted for a killed write before it committed: nothing in it
		// is stored; the others go again.
		ws = live
	}
}

// runTx runs one readwrite transaction holding every write of ws and waits
// for its outcome. retry: it was aborted because a write in it was killed,
// and nothing is stored.
func (b *idbBackend) runTx(ws []*idbWrite) (err error, retry bool) {
	db, err := b.conn(true)
	if err != nil {
		return fmt.Errorf("durable: indexeddb write to %s: %w", quoteWhat(ws), err), false
	}
	done := make(chan txResult, 1) // buffered: handlers never block
	var tx js.Value
	var oncomplete, onabort js.Func
	err = jsTry(func() {
		tx = db.Call("transaction", idbStore, "readwrite", b.txOpts)
		oncomplete = js.FuncOf(func(this js.Value, args []js.Value) any {
			done <- txResult{}
			return nil
		})
		onabort = js.FuncOf(func(this js.Value, args []js.Value) any {
			done <- txResult{domError("transaction", tx.Get("error"))}
			return nil
		})
		tx.Set("oncomplete", oncomplete)
		tx.Set("onabort", onabort)
		store := tx.Call("objectStore", idbStore)
		for _, w := range ws {
			for _, o := range w.ops {
				switch o.kind {
				case opPut:
					store.Call("put", b.recordToJS(w.ns, o.key, o.value), idbKey(w.ns, o.key))
				case opPutRecord:
					store.Call("put", bytesToJS(o.value), idbKey(w.ns, o.key))
				case opDeleteRange:
					store.Call("delete", idbRange(w.ns, o.key, o.end))
				}
			}
		}
	})
	if err != nil {
		// A synchronous throw (closed connection, bad key): nothing is
		// committed if we abort now, before returning to the event loop.
		if tx.Truthy() {
			jsTry(func() { tx.Call("abort") })
			<-done // the abort event (handlers were set before any request)
			oncomplete.Release()
			onabort.Release()
		}
		return fmt.Errorf("durable: indexeddb write to %s: %w", quoteWhat(ws), err), false
	}
	release := true // false once given up: a late event must still find its handler
	defer func() {
		if release {
			oncomplete.Release()
			onabort.Release()
		}
	}()
	for _, w := range ws {
		if w.issued != nil {
			w.issued()
		}
	}
	kill := make(chan struct{}, 1)
	settled := make(chan struct{})
	defer close(settled)
	for _, w := range ws {
		go func() {
			select {
			case <-w.killed:
				select {
				case kill <- struct{}{}:
				default:
				}
			case <-settled:
			}
		}()
	}
	unanswered := func() error {
		return noAnswerBecause("write in " + quoteWhat(ws) + " got no answer within " + CallTimeout.String())
	}
	timer := time.NewTimer(CallTimeout)
	defer timer.Stop()
	select {
	case r := <-done:
		b.full.Store(errors.Is(r.err, ErrQuota))
		return r.err, false
	case <-timer.C:
		// Neither complete nor abort: try to abort it, and give it a
		// moment to settle; if it still says nothing its outcome is
		// unknown (ErrNoAnswer says so).
		jsTry(func() { tx.Call("abort") })
		grace := time.NewTimer(time.Second)
		defer grace.Stop()
		select {
		case r := <-done:
			if r.err == nil {
				return nil, false // it committed after all
			}
			b.silent.Store(true)
			return fmt.Errorf("%w (then aborted: %v)", unanswered(), r.err), false
		case <-grace.C:
			release = false
			b.silent.Store(true)
			return unanswered(), false
		}
	case <-kill:
		// Power loss: abort unless it already committed (abort then throws
		// InvalidStateError and "complete" is on its way). Either way wait
		// for the transaction to settle.
		jsTry(func() { tx.Call("abort") })
		if r := <-done; r.err != nil {
			return nil, true
		}
		return nil, false
	}
}

// quoteWhat names the namespaces of ws for an error: "member-1", or
// "member-1", "member-2".
func quoteWhat(ws []*idbWrite) string {
	var s strings.Builder
	for i, w := range ws {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(strconv.Quote(w.ns))
	}
	return s.String()
}

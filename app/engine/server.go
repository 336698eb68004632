package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/etcd-play/etcd-play/node"
)

// Serve answers one client over c until ctx ends or c fails, then closes c
// and returns why. It never stops the engine it started: the engine
// belongs to o.Start (a worker's ends with the worker; the native one
// outlives its connections).
//
// Order: requests are handled in the order they arrive. Those that only
// queue an action or read state (faults, time controls, stress start and
// stop) run at once on the receiving goroutine; client calls (Put, Get,
// Delete, Compact, Call) are queued there too when the engine is a Submitter,
// and answered from their own goroutine; the rest that wait (Start, Step,
// ResetAll, ResetStored) run in their own goroutine. So a run driven
// through the protocol is the run the simulator gives for the same
// requests before the same ticks. A Cancel ends a waiting request's
// context.
//
// Updates: one is sent as soon as the engine has started, and each next
// one only after the client acknowledged the previous one; it is built
// when sent, so a client that reads slowly gets fewer, larger updates and
// never a queue (see Update for what they merge).
func Serve(ctx context.Context, c Conn, o ServerOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer c.Close()
	s := &server{conn: c, o: o, ctx: ctx, calls: map[uint64]context.CancelFunc{},
		runs: map[uint64]*serverRun{}, credit: make(chan struct{}, UpdateWindow), started: make(chan struct{})}
	defer s.cancelWatches()
	b, err := c.Recv(ctx)
	if err != nil {
		return err
	}
	f, err := decodeFrame(b)
	if err != nil || f.kind != kindHello {
		return fmt.Errorf("engine protocol: the first frame is not a hello (%v)", err)
	}
	w := welcome{Hello: Hello{Protocol: Version, Kind: o.Kind, Build: o.Build}}
	if f.hello.Protocol != Version || f.hello.Build != o.Build {
		w.Refused = fmt.Sprintf("page protocol %d build %q, engine protocol %d build %q",
			f.hello.Protocol, f.hello.Build, Version, o.Build)
	}
	if err := c.Send(encodeWelcome(w)); err != nil || w.Refused != "" {
		return errors.Join(err, ErrVersion)
	}
	for range UpdateWindow {
		s.credit <- struct{}{}
	}
	go s.pushUpdates()
	for {
		b, err := c.Recv(ctx)
		if err != nil {
			return err
		}
		f, err := decodeFrame(b)
		if err != nil {
			return err
		}
		switch f.kind {
		case kindRequest:
			s.handle(f.request)
		case kindAck:
			select {
			case s.credit <- struct{}{}:
			default: // an ack without an update: ignored
			}
		default:
			return fmt.Errorf("engine protocol: unexpected frame kind %d from the client", f.kind)
		}
	}
}

// errNoStorage answers a storage control sent to an engine without storage.
var errNoStorage = errors.New("this cluster has no storage controls")

// errNotSettable answers SetSettings sent to an engine that is not Settable.
var errNotSettable = errors.New("this cluster's settings cannot change while it runs")

// server is one connection's state.
type server struct {
	conn Conn
	o    ServerOptions
	ctx  context.Context

	mu      sync.Mutex
	eng     Engine // set once Start succeeded
	started chan struct{}
	calls   map[uint64]context.CancelFunc // waiting requests by ID
	runs    map[uint64]*serverRun         // stress runs by number
	nextRun uint64
	applied uint64 // highest request ID handled by the receiving goroutine
	// failures holds the storage failures Start returned, by name, for
	// ResetStored (their Reset runs on this side).
	failures map[string]*StorageFailure

	credit chan struct{} // buffered(UpdateWindow): updates the server may send before the next ack

	watches map[uint64]*serverWatch // open watches by number (server_watch.go)
	// showMessages is how many messages in flight each update carries
	// (OpShowMessages; 0: none).
	showMessages int

	// Owned by pushUpdates.
	links   map[[2]uint64]LinkView
	lastSeq uint64
	rewinds uint64          // the Timeline.Rewinds of the last update
	verdict *LinVerdictView // the last verdict sent (lincheck.go)
}

type serverRun struct {
	run  StressRun
	last StressProgress
	sent bool
}

func (s *server) send(b []byte) {
	_ = s.conn.Send(b) // a failed send also fails Recv, which ends Serve
}

func (s *server) answer(p *Response) { s.send(encodeResponse(p)) }

func (s *server) engine() Engine {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eng
}

// handle runs or starts q. Receiving goroutine.
func (s *server) handle(q *Request) {
	defer func() {
		s.mu.Lock()
		s.applied = max(s.applied, q.ID)
		s.mu.Unlock()
	}()
	if q.Op == OpCancel {
		s.mu.Lock()
		if cancel := s.calls[uint64(q.N)]; cancel != nil {
			cancel()
		}
		s.mu.Unlock()
		return
	}
	if q.Op == OpStart {
		s.wait(q, func(ctx context.Context) *Response { return s.start(q) })
		return
	}
	if q.Op == OpResetStored {
		s.wait(q, func(ctx context.Context) *Response { return &Response{Err: s.resetStored(q)} })
		return
	}
	e := s.engine()
	if e == nil {
		s.answer(&Response{ID: q.ID, Err: errors.New("the cluster is not running yet")})
		return
	}
	if s.handleTimeline(e, q) {
		return
	}
	st, _ := e.(Storage)
	var err error
	switch q.Op {
	case OpKill:
		err = e.Kill(q.Member)
	case OpRestart:
		err = e.Restart(q.Member)
	case OpKillAll:
		e.KillAll()
	case OpRestartAll:
		e.RestartAll()
	case OpPartition:
		e.Partition(q.Groups...)
	case OpIsolate:
		e.Isolate(q.Member)
	case OpCut:
		e.Cut(q.From, q.To)
	case OpHealLink:
		e.HealLink(q.From, q.To)
	case OpHealAll:
		e.HealAll()
	case OpSetDrop:
		e.SetDrop(q.From, q.To, q.P)
	case OpSetDelay:
		e.SetDelay(q.From, q.To, int(q.N))
	case OpSetDuplicate:
		e.SetDuplicate(q.From, q.To, q.P)
	case OpSetReorder:
		e.SetReorder(q.From, q.To, int(q.N))
	case OpFlakyNetwork:
		e.FlakyNetwork()
	case OpTransfer:
		err = e.TransferLeadership(q.Member)
	case OpSetSettings:
		if se, ok := e.(Settable); ok {
			err = se.SetSettings(q.Settings)
		} else {
			err = errNotSettable
		}
	case OpPlay:
		e.Play()
	case OpPause:
		e.Pause()
	case OpSetSpeed:
		e.SetSpeed(q.P)
	case OpStress:
		run := e.Stress(q.Stress)
		s.mu.Lock()
		s.nextRun++
		n := s.nextRun
		s.runs[n] = &serverRun{run: run}
		s.mu.Unlock()
		s.answer(&Response{ID: q.ID, N: n})
		return
	case OpStressStop:
		s.mu.Lock()
		r := s.runs[uint64(q.N)]
		s.mu.Unlock()
		if r != nil {
			r.run.Stop()
		}
	case OpKillPowerLoss, OpKillAllPowerLoss, OpWipe:
		switch {
		case st == nil:
			err = errNoStorage
		case q.Op == OpKillPowerLoss:
			err = st.KillPowerLoss(q.Member)
		case q.Op == OpWipe:
			err = st.WipeMember(q.Member)
		default:
			st.KillAllPowerLoss()
		}
	case OpPut, OpGet, OpDelete, OpCompact, OpCall:
		if sub, ok := e.(Submitter); ok {
			wait := sub.Submit(q) // queued now, before the next request
			s.wait(q, wait)
			return
		}
		s.wait(q, func(ctx context.Context) *Response { return s.call(ctx, e, st, q) })
		return
	case OpStep, OpResetAll:
		s.wait(q, func(ctx context.Context) *Response { return s.call(ctx, e, st, q) })
		return
	case OpWatch:
		s.watch(e, q)
		return
	case OpWatchCancel:
		s.cancelWatch(uint64(q.N))
	case OpKeyHistory:
		h, ok := e.(Historian)
		if !ok {
			err = errNoHistory
			break
		}
		s.wait(q, func(ctx context.Context) *Response {
			kh, err := h.KeyHistory(ctx, q.Member, q.Key, int(q.N))
			if err != nil {
				return &Response{Err: err}
			}
			return &Response{History: &kh}
		})
		return
	case OpShowMessages:
		s.mu.Lock()
		s.showMessages = ClampMessages(int(q.N))
		s.mu.Unlock()
	case OpDropMessage:
		e.DropMessage(uint64(q.N))
	case OpLogPage:
		s.wait(q, func(ctx context.Context) *Response {
			p, err := e.LogPage(ctx, q.Member, q.LogFrom, q.LogCount)
			return &Response{LogPage: p, Err: err}
		})
		return
	case OpCheckHistory:
		ch, ok := e.(Checker)
		if !ok {
			err = errNoChecker
			break
		}
		s.wait(q, func(ctx context.Context) *Response {
			v, err := ch.CheckHistory(ctx)
			if err != nil {
				return &Response{Err: err}
			}
			return &Response{Verdict: &v}
		})
		return
	default:
		err = fmt.Errorf("engine protocol: unknown request %d", q.Op)
	}
	s.answer(&Response{ID: q.ID, Err: err})
}

// wait runs do in its own goroutine under a context that Cancel(q.ID)
// ends, and answers with its response.
func (s *server) wait(q *Request, do func(context.Context) *Response) {
	ctx, cancel := context.WithCancel(s.ctx)
	s.mu.Lock()
	s.calls[q.ID] = cancel
	s.mu.Unlock()
	go func() {
		p := do(ctx)
		s.mu.Lock()
		delete(s.calls, q.ID)
		s.mu.Unlock()
		cancel()
		p.ID = q.ID
		s.answer(p)
	}()
}

// call runs a request that waits for the cluster.
func (s *server) call(ctx context.Context, e Engine, st Storage, q *Request) *Response {
	var p Response
	switch q.Op {
	case OpPut:
		p.Put, p.Err = e.Put(ctx, q.Member, q.Key, q.Value)
	case OpGet:
		p.Range, p.Err = e.Get(ctx, q.Member, q.Range, q.Serializable)
	case OpDelete:
		p.Delete, p.Err = e.Delete(ctx, q.Member, q.Delete)
	case OpCompact:
		p.Compact, p.Err = e.Compact(ctx, q.Member, q.N)
	case OpCall:
		var res node.Result
		if res, p.Err = e.Call(ctx, q.Member, q.Call); p.Err == nil {
			p.Result = &res
		}
	case OpStep:
		e.Step()
	case OpResetAll:
		if st == nil {
			p.Err = errNoStorage
		} else {
			p.Err = st.ResetAll()
		}
	}
	return &p
}

// start runs o.Start once per connection; a second Start on the same
// connection (after a failure, with another mode) runs it again.
func (s *server) start(q *Request) *Response {
	if e := s.engine(); e != nil {
		return &Response{Started: started(e, q.Start.Speed)}
	}
	e, err := s.o.Start(q.Start)
	if err != nil {
		var f *StorageFailure
		if errors.As(err, &f) {
			s.mu.Lock()
			if s.failures == nil {
				s.failures = map[string]*StorageFailure{}
			}
			s.failures[f.Name] = f
			s.mu.Unlock()
		}
		return &Response{Err: err}
	}
	s.mu.Lock()
	s.eng = e
	s.mu.Unlock()
	close(s.started)
	return &Response{Started: started(e, q.Start.Speed)}
}

func started(e Engine, speed float64) *Started {
	_, st := e.(Storage)
	_, sp := e.(Stoppable)
	return &Started{Members: e.Members(), Speed: ClampSpeed(speed), Storage: st, Stoppable: sp}
}

// resetStored deletes a stored cluster that failed to load: the failure's
// own Reset, which only the Starter's side holds. The server keeps the
// last failure of each name for that.
func (s *server) resetStored(q *Request) error {
	s.mu.Lock()
	f := s.failures[q.Name]
	s.mu.Unlock()
	if f == nil {
		return fmt.Errorf("no stored cluster %q failed to load here", q.Name)
	}
	return f.ResetStored()
}

package engine

import (
	"context"
	"errors"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Start asks the engine to run the cluster req describes, and returns the
// Engine over it (also a Storage when the engine has storage, and always a
// Stoppable and a Remote). Errors as the engine's Starter returns them:
// ErrOpenElsewhere, a *StorageFailure (whose ResetStored asks the engine),
// or any other.
func (c *Client) Start(ctx context.Context, req StartRequest) (Engine, error) {
	p, err := c.call(ctx, &Request{Op: OpStart, Start: req})
	var f *StorageFailure
	if errors.As(err, &f) {
		name := f.Name
		f.Reset = func() error {
			_, err := c.call(context.Background(), &Request{Op: OpResetStored, Name: name})
			return err
		}
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.startRq, c.started = &req, p.Started
	seen := c.v.updates
	var next <-chan struct{} = c.v.updated
	c.mu.Unlock()
	// The engine's first update follows its answer: wait for one taken
	// after the start, so that the Engine returned reads the started
	// cluster's status and storage at once, never an empty view.
	for {
		// Reading acknowledges an update the engine sent before the
		// start, so that it sends the next.
		if n := readView(c, func(v *view) uint64 { return v.updates }); n > seen {
			break
		}
		select {
		case <-next:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		_, next = c.Updates()
		if err := c.Connection(); err != nil {
			return nil, err
		}
	}
	r := &remote{c: c}
	if p.Started.Storage {
		return &remoteStorage{r}, nil
	}
	return r, nil
}

// Remote is what the page asks an engine reached over a connection.
type Remote interface {
	// Hello describes the engine: where it runs ("worker", "native").
	Hello() Hello
	// Connection is nil while connected, else why not (ErrDisconnected).
	Connection() error
	// Reconnect replaces a lost connection (a new worker restarts the
	// cluster from storage).
	Reconnect(ctx context.Context) error
}

// remote is the Engine over a Client.
type remote struct{ c *Client }

var (
	_ Engine    = (*remote)(nil)
	_ Stoppable = (*remote)(nil)
	_ Remote    = (*remote)(nil)
	_ Storage   = (*remoteStorage)(nil)
)

func (r *remote) Hello() Hello                        { return r.c.Hello() }
func (r *remote) Connection() error                   { return r.c.Connection() }
func (r *remote) Reconnect(ctx context.Context) error { return r.c.Reconnect(ctx) }

func (r *remote) Members() []uint64 {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	if r.c.started == nil {
		return nil
	}
	return append([]uint64(nil), r.c.started.Members...)
}

func (r *remote) Now() uint64 { return readView(r.c, func(v *view) uint64 { return v.now }) }

func (r *remote) Status() []MemberView {
	return readView(r.c, func(v *view) []MemberView {
		out := append([]MemberView(nil), v.members...)
		for i := range out {
			out[i].Progress = append([]FollowerProgress(nil), out[i].Progress...)
		}
		return out
	})
}

func (r *remote) Links() []LinkView {
	return readView(r.c, func(v *view) []LinkView { return append([]LinkView(nil), v.linkList...) })
}

func (r *remote) Events(after uint64) []EventView {
	return readView(r.c, func(v *view) []EventView {
		i := len(v.events)
		for i > 0 && v.events[i-1].Seq > after {
			i--
		}
		return append([]EventView(nil), v.events[i:]...)
	})
}

// do sends a request that answers only an error, and waits for it.
func (r *remote) do(q *Request) error {
	_, err := r.c.call(context.Background(), q)
	return err
}

func (r *remote) Kill(id uint64) error    { return r.do(&Request{Op: OpKill, Member: id}) }
func (r *remote) Restart(id uint64) error { return r.do(&Request{Op: OpRestart, Member: id}) }
func (r *remote) KillAll()                { r.c.post(&Request{Op: OpKillAll}) }
func (r *remote) RestartAll()             { r.c.post(&Request{Op: OpRestartAll}) }
func (r *remote) Partition(groups ...[]uint64) {
	r.c.post(&Request{Op: OpPartition, Groups: groups})
}
func (r *remote) Isolate(id uint64)        { r.c.post(&Request{Op: OpIsolate, Member: id}) }
func (r *remote) Cut(from, to uint64)      { r.c.post(&Request{Op: OpCut, From: from, To: to}) }
func (r *remote) HealLink(from, to uint64) { r.c.post(&Request{Op: OpHealLink, From: from, To: to}) }
func (r *remote) HealAll()                 { r.c.post(&Request{Op: OpHealAll}) }
func (r *remote) SetDrop(from, to uint64, p float64) {
	r.c.post(&Request{Op: OpSetDrop, From: from, To: to, P: p})
}
func (r *remote) SetDelay(from, to uint64, ticks int) {
	r.c.post(&Request{Op: OpSetDelay, From: from, To: to, N: int64(ticks)})
}
func (r *remote) SetDuplicate(from, to uint64, p float64) {
	r.c.post(&Request{Op: OpSetDuplicate, From: from, To: to, P: p})
}
func (r *remote) SetReorder(from, to uint64, ticks int) {
	r.c.post(&Request{Op: OpSetReorder, From: from, To: to, N: int64(ticks)})
}
func (r *remote) FlakyNetwork() { r.c.post(&Request{Op: OpFlakyNetwork}) }
func (r *remote) TransferLeadership(to uint64) error {
	return r.do(&Request{Op: OpTransfer, Member: to})
}

// Messages asks the engine for limit messages in flight per update when
// that changes (the next updates carry them), and returns the latest
// update's.
func (r *remote) Messages(limit int) ([]MessageView, int) {
	limit = ClampMessages(limit)
	r.c.mu.Lock()
	ask := limit != r.c.v.askedMessages
	r.c.v.askedMessages = limit
	r.c.mu.Unlock()
	if ask {
		r.c.post(&Request{Op: OpShowMessages, N: int64(limit)})
	}
	if limit == 0 {
		return nil, 0
	}
	var total int
	msgs := readView(r.c, func(v *view) []MessageView {
		total = v.messagesTotal
		return append([]MessageView(nil), v.messages[:min(limit, len(v.messages))]...)
	})
	return msgs, total
}

func (r *remote) DropMessage(id uint64) { r.c.post(&Request{Op: OpDropMessage, N: int64(id)}) }

func (r *remote) Put(ctx context.Context, member uint64, key, value []byte) (*mvcc.PutResponse, error) {
	p, err := r.c.call(ctx, &Request{Op: OpPut, Member: member, Key: key, Value: value})
	if err != nil {
		return nil, err
	}
	return p.Put, nil
}

func (r *remote) Get(ctx context.Context, member uint64, req mvcc.RangeRequest, serializable bool) (*mvcc.RangeResponse, error) {
	p, err := r.c.call(ctx, &Request{Op: OpGet, Member: member, Range: req, Serializable: serializable})
	if err != nil {
		return nil, err
	}
	return p.Range, nil
}

func (r *remote) Delete(ctx context.Context, member uint64, req mvcc.DeleteRangeRequest) (*mvcc.DeleteRangeResponse, error) {
	p, err := r.c.call(ctx, &Request{Op: OpDelete, Member: member, Delete: req})
	if err != nil {
		return nil, err
	}
	return p.Delete, nil
}

func (r *remote) Compact(ctx context.Context, member uint64, rev int64) (*mvcc.CompactResponse, error) {
	p, err := r.c.call(ctx, &Request{Op: OpCompact, Member: member, N: rev})
	if err != nil {
		return nil, err
	}
	return p.Compact, nil
}

func (r *remote) Stress(cfg StressConfig) StressRun {
	p, err := r.c.call(context.Background(), &Request{Op: OpStress, Stress: cfg})
	if err != nil {
		return endedRun{StressProgress{Total: cfg.Count}}
	}
	return &remoteRun{c: r.c, n: p.N, total: cfg.Count}
}

// Play and Pause are answered by the engine's next update: Paused reports
// what the engine does, so that a page that shows "paused" never shows a
// clock that then moves (the update that says paused is taken after the
// pause, with the tick the cluster stopped at).
func (r *remote) Play()  { r.c.post(&Request{Op: OpPlay}) }
func (r *remote) Pause() { r.c.post(&Request{Op: OpPause}) }

// Step waits for the tick, as the local engine's does.
func (r *remote) Step() { r.do(&Request{Op: OpStep}) }

func (r *remote) SetSpeed(tps float64) { r.c.post(&Request{Op: OpSetSpeed, P: tps}) }

// Paused reads the pushed view, acknowledging its updates as every read
// does: a caller that polls only Paused still gets the update that says
// the pause (or the play) took effect.
func (r *remote) Paused() bool {
	return readView(r.c, func(v *view) bool { return v.paused || v.stopped })
}

// Stopped implements Stoppable: ErrStopped once another tab took the
// cluster over.
func (r *remote) Stopped() error {
	if readView(r.c, func(v *view) bool { return v.stopped }) {
		return ErrStopped
	}
	return nil
}

// remoteRun is a stress run in the engine, reported by the updates.
type remoteRun struct {
	c     *Client
	n     uint64
	total int
}

func (s *remoteRun) Progress() StressProgress {
	return readView(s.c, func(v *view) StressProgress {
		if p, ok := v.stress[s.n]; ok {
			return p
		}
		return StressProgress{Total: s.total, Running: true} // no update about it yet
	})
}

func (s *remoteRun) Stop() { s.c.post(&Request{Op: OpStressStop, N: int64(s.n)}) }

// endedRun is a run that could not start.
type endedRun struct{ p StressProgress }

func (e endedRun) Progress() StressProgress { return e.p }
func (e endedRun) Stop()                    {}

// remoteStorage is the Engine of an engine with storage controls.
type remoteStorage struct{ *remote }

func (r *remoteStorage) Storage() StorageView {
	return readView(r.c, func(v *view) StorageView {
		s := v.storage
		s.Disk = append([]DiskErrorView(nil), s.Disk...)
		return s
	})
}

func (r *remoteStorage) KillPowerLoss(id uint64) error {
	return r.do(&Request{Op: OpKillPowerLoss, Member: id})
}
func (r *remoteStorage) KillAllPowerLoss()          { r.c.post(&Request{Op: OpKillAllPowerLoss}) }
func (r *remoteStorage) WipeMember(id uint64) error { return r.do(&Request{Op: OpWipe, Member: id}) }
func (r *remoteStorage) ResetAll() error            { return r.do(&Request{Op: OpResetAll}) }

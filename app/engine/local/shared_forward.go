package local

import (
	"context"
	"errors"
	"fmt"

	"github.com/etcd-play/etcd-play/app/engine"
)

// The shared engine's optional interfaces (the server asks its engine
// for each: engine.Serve): sharedStorage embeds the engine as an
// engine.Engine, which hides every method outside that interface, so it
// forwards each to the engine it wraps. Every engine StartNative builds
// implements them all; for another engine each answers as the server does
// for an engine without it (an error, or nothing to report).

var (
	_ engine.Timeliner = (*sharedStorage)(nil)
	_ engine.Checker   = (*sharedStorage)(nil)
	_ engine.Watcher   = (*sharedStorage)(nil)
	_ engine.Historian = (*sharedStorage)(nil)
	_ engine.Submitter = (*sharedStorage)(nil)
)

var (
	errSharedNoTimeline = errors.New("this engine does not record its history")
	errSharedNoChecker  = errors.New("this engine cannot check its history")
	errSharedNoWatch    = errors.New("this engine cannot watch")
	errSharedNoHistory  = errors.New("this engine cannot read a key's history")
)

func (e *sharedStorage) timeliner() (engine.Timeliner, error) {
	if t, ok := e.Engine.(engine.Timeliner); ok {
		return t, nil
	}
	return nil, errSharedNoTimeline
}

func (e *sharedStorage) Timeline() engine.TimelineView {
	if t, err := e.timeliner(); err == nil {
		return t.Timeline()
	}
	return engine.TimelineView{}
}

func (e *sharedStorage) Seek(ctx context.Context, tick uint64) error {
	t, err := e.timeliner()
	if err != nil {
		return err
	}
	return t.Seek(ctx, tick)
}

func (e *sharedStorage) SwitchBranch(ctx context.Context, n int) error {
	t, err := e.timeliner()
	if err != nil {
		return err
	}
	return t.SwitchBranch(ctx, n)
}

func (e *sharedStorage) ExportHistory(ctx context.Context) ([]byte, error) {
	t, err := e.timeliner()
	if err != nil {
		return nil, err
	}
	return t.ExportHistory(ctx)
}

func (e *sharedStorage) ShareLink(ctx context.Context) (string, error) {
	t, err := e.timeliner()
	if err != nil {
		return "", err
	}
	return t.ShareLink(ctx)
}

func (e *sharedStorage) LoadHistory(ctx context.Context, data []byte, link bool) error {
	t, err := e.timeliner()
	if err != nil {
		return err
	}
	return t.LoadHistory(ctx, data, link)
}

func (e *sharedStorage) CheckHistory(ctx context.Context) (engine.LinVerdictView, error) {
	if c, ok := e.Engine.(engine.Checker); ok {
		return c.CheckHistory(ctx)
	}
	return engine.LinVerdictView{}, errSharedNoChecker
}

func (e *sharedStorage) LastVerdict() (engine.LinVerdictView, bool) {
	if c, ok := e.Engine.(engine.Checker); ok {
		return c.LastVerdict()
	}
	return engine.LinVerdictView{}, false
}

func (e *sharedStorage) Watch(member uint64, req engine.WatchRequest) (engine.WatchStream, error) {
	if w, ok := e.Engine.(engine.Watcher); ok {
		return w.Watch(member, req)
	}
	return nil, errSharedNoWatch
}

func (e *sharedStorage) KeyHistory(ctx context.Context, member uint64, key []byte, limit int) (engine.KeyHistory, error) {
	if h, ok := e.Engine.(engine.Historian); ok {
		return h.KeyHistory(ctx, member, key, limit)
	}
	return engine.KeyHistory{}, errSharedNoHistory
}

// Submit queues the call on an engine that queues calls; on another it
// makes the call when the wait runs, as the server does for such an engine.
func (e *sharedStorage) Submit(q *engine.Request) func(context.Context) *engine.Response {
	if s, ok := e.Engine.(engine.Submitter); ok {
		return s.Submit(q)
	}
	return func(ctx context.Context) *engine.Response {
		var p engine.Response
		switch q.Op {
		case engine.OpPut:
			p.Put, p.Err = e.Engine.Put(ctx, q.Member, q.Key, q.Value)
		case engine.OpGet:
			p.Range, p.Err = e.Engine.Get(ctx, q.Member, q.Range, q.Serializable)
		case engine.OpDelete:
			p.Delete, p.Err = e.Engine.Delete(ctx, q.Member, q.Delete)
		case engine.OpCompact:
			p.Compact, p.Err = e.Engine.Compact(ctx, q.Member, q.N)
		case engine.OpCall:
			res, err := e.Engine.Call(ctx, q.Member, q.Call)
			if p.Err = err; err == nil {
				p.Result = &res
			}
		default:
			p.Err = fmt.Errorf("engine: %d is not a client call", q.Op)
		}
		return &p
	}
}

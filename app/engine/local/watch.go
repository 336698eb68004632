package local

import (
	"context"
	"errors"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

var (
	_ engine.Watcher     = (*clusterEngine)(nil)
	_ engine.WatchPoller = (*localWatch)(nil)
	_ engine.WatchStater = (*localWatch)(nil)
)

// Watch implements engine.Watcher over the cluster's client watches
// (cluster.Watch: an action, started at the next tick).
func (e *clusterEngine) Watch(member uint64, req engine.WatchRequest) (engine.WatchStream, error) {
	return e.watch(member, req, nil)
}

// Watch implements engine.Watcher; the watches of a stopped engine end
// with engine.ErrStopped.
func (e *durableEngine) Watch(member uint64, req engine.WatchRequest) (engine.WatchStream, error) {
	if err := e.Stopped(); err != nil {
		return nil, err
	}
	w, err := e.clusterEngine.watch(member, req, e.Stopped)
	if err == nil {
		w.(*localWatch).done = e.stopped
	}
	return w, err
}

func (e *clusterEngine) watch(member uint64, req engine.WatchRequest, stopped func() error) (engine.WatchStream, error) {
	w, err := e.Cluster.Watch(member, cluster.WatchRequest{
		WatchRequest: mvcc.WatchRequest{Key: req.Key, End: req.End, StartRev: req.StartRev,
			PrevKV: req.PrevKV, NoPut: req.NoPut, NoDelete: req.NoDelete},
		ProgressNotify: req.ProgressNotify,
	})
	if err != nil {
		return nil, err
	}
	return &localWatch{w: w, stopped: stopped}, nil
}

// localWatch is a cluster watch seen as an engine.WatchStream.
type localWatch struct {
	w       *cluster.Watch
	stopped func() error    // nil: the engine never stops
	done    <-chan struct{} // closed when it stops (nil: never)
}

// Poll implements engine.WatchPoller.
func (l *localWatch) Poll(max int) ([]engine.WatchResponse, error) {
	rs, err := l.w.Take(max)
	out := make([]engine.WatchResponse, len(rs))
	for i, r := range rs {
		out[i] = engine.WatchResponse{Revision: r.Revision, Events: r.Events,
			CompactRevision: r.CompactRevision, Canceled: r.Canceled}
	}
	if len(out) == 0 && l.stopped != nil {
		if serr := l.stopped(); serr != nil {
			l.w.Cancel()
			return nil, serr
		}
	}
	if errors.Is(err, cluster.ErrWatchCanceled) {
		err = engine.ErrWatchCanceled
	}
	return out, err
}

// Next implements engine.WatchStream.
func (l *localWatch) Next(ctx context.Context) ([]engine.WatchResponse, error) {
	for {
		rs, err := l.Poll(0)
		if len(rs) > 0 || err != nil {
			return rs, err
		}
		select {
		case <-l.w.Ready():
		case <-l.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// State implements engine.WatchStater (cluster.Watch.State's names are
// the engine's).
func (l *localWatch) State() string { return l.w.State() }

// Cancel implements engine.WatchStream.
func (l *localWatch) Cancel() { l.w.Cancel() }

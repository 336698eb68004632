package tour

import (
	"context"
	"errors"
	"sync"

	"github.com/etcd-play/etcd-play/app/engine"
)

// tourWatch is the tour's watch (`do watch`): it counts the events
// delivered, from the revision it began at.
type tourWatch struct {
	step   int    // the step that started it
	member uint64 // the member watched
	req    engine.WatchRequest
	cancel context.CancelFunc
	stream engine.WatchStream
	mu     sync.Mutex
	events int64
	err    error
}

func (w *tourWatch) count() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.events
}

func (w *tourWatch) stop() {
	w.cancel()
	w.stream.Cancel()
}

// prefixEnd is the end of the range of keys that start with p (etcd's
// clientv3.GetPrefixRangeEnd).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return []byte{0}
}

func (r *Runner) startWatch(c clusterView, a Action) error {
	id, err := c.one(a.Who)
	if err != nil {
		return err
	}
	m, _ := c.member(id)
	req := engine.WatchRequest{Key: []byte(a.Key), StartRev: m.Revision + 1}
	if a.Prefix {
		req.End = prefixEnd(req.Key)
	}
	r.mu.Lock()
	step := r.cur
	old := r.watch
	r.watch = nil
	r.mu.Unlock()
	if old != nil {
		old.stop()
	}
	return r.rewatch(&tourWatch{step: step, member: id, req: req})
}

// rewatch starts w's watch (again, after a rewind: from the revision it
// began at, so it counts the same events).
func (r *Runner) rewatch(w *tourWatch) error {
	wr, ok := r.eng.(engine.Watcher)
	if !ok {
		return errors.New("this engine cannot watch")
	}
	stream, err := wr.Watch(w.member, w.req)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	nw := &tourWatch{step: w.step, member: w.member, req: w.req, cancel: cancel, stream: stream}
	r.mu.Lock()
	r.watch = nw
	r.mu.Unlock()
	go func() {
		for {
			resps, err := stream.Next(ctx)
			nw.mu.Lock()
			for _, resp := range resps {
				nw.events += int64(len(resp.Events))
			}
			if err != nil {
				nw.err = err
			}
			nw.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return nil
}

package embed

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.etcd.io/etcd/api/v3/mvccpb"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/etcdctl"
)

// Watches over postMessage (engine.Watcher underneath):
//
//	{etcdplay: 1, id, cmd: "watch", key: "k", prefix: bool?, end: "z"?, startRevision: N?, prevKv: bool?, member: N?}
//	{etcdplay: 1, id, cmd: "unwatch", watch: W}
//
// watch answers {watch: W}, a number for this page's watch; then every
// response of the watch comes as an event, to the origin that asked:
//
//	{type: "watch", watch: W, revision, events: [{type: "PUT"|"DELETE", key, value, createRevision, modRevision, version, prevKv?}]}
//	{type: "watch-end", watch: W, error, compactRevision?}   the watch ended (it sends nothing more)
//
// key alone watches one key; prefix: true every key starting with key
// ("" with prefix: every key); end the keys [key, end). startRevision
// (default: the next revision) replays history from that revision; one
// that was compacted ends the watch at once with compactRevision set, as
// etcd cancels it. member 0 or absent: the leader when the watch starts
// (the watch stays on that member, and resumes there after a restart).
// An events message carries at most maxWatchEvents events (a long
// catch-up comes as several). unwatch ends a watch ("watch canceled");
// at most maxWatches run at once.

const (
	maxWatches     = 16
	maxWatchEvents = 100
)

// apiWatch is one running watch.
type apiWatch struct {
	n      uint64
	stream engine.WatchStream
}

// EventResult is one event of a watch message.
type EventResult struct {
	Type           string    `json:"type"` // "PUT" or "DELETE"
	Key            string    `json:"key"`
	Value          string    `json:"value"`
	CreateRevision int64     `json:"createRevision"`
	ModRevision    int64     `json:"modRevision"`
	Version        int64     `json:"version"`
	PrevKV         *KVResult `json:"prevKv,omitempty"`
}

func (a *messageAPI) validateWatch(eng engine.Engine, c Command, id uint64) (func() (any, error), error) {
	wr, ok := eng.(engine.Watcher)
	if !ok {
		return nil, errors.New("this cluster cannot watch")
	}
	switch {
	case c.Key == nil:
		return nil, errors.New(`key is required ("" with prefix: true watches every key)`)
	case len(*c.Key) > maxKeyBytes:
		return nil, fmt.Errorf("key is longer than %d bytes", maxKeyBytes)
	case c.Prefix && c.End != nil:
		return nil, errors.New("give prefix or end, not both")
	case *c.Key == "" && !c.Prefix && c.End == nil:
		return nil, errors.New(`key is required ("" with prefix: true watches every key)`)
	case c.End != nil && len(*c.End) > maxKeyBytes:
		return nil, fmt.Errorf("end is longer than %d bytes", maxKeyBytes)
	case c.End != nil && *c.End != "" && *c.End <= *c.Key:
		return nil, fmt.Errorf("end %q is not after key %q: the range is empty", *c.End, *c.Key)
	case c.StartRevision < 0:
		return nil, errors.New("startRevision must be 0 (the next revision) or more")
	}
	req := engine.WatchRequest{Key: []byte(*c.Key), StartRev: c.StartRevision, PrevKV: c.PrevKV}
	switch {
	case c.Prefix:
		req.End = etcdctl.PrefixEnd(req.Key)
	case c.End != nil && *c.End == "":
		req.End = []byte{0} // every key from key, as etcd's "\x00"
	case c.End != nil:
		req.End = []byte(*c.End)
	}
	a.mu.Lock()
	n := len(a.watches)
	a.mu.Unlock()
	if n >= maxWatches {
		return nil, fmt.Errorf("%d watches are running, the most one page may have: unwatch one first", maxWatches)
	}
	return func() (any, error) {
		s, err := wr.Watch(target(eng, id), req)
		if err != nil {
			return nil, err
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		if len(a.watches) >= maxWatches { // another watch started meanwhile
			s.Cancel()
			return nil, fmt.Errorf("%d watches are running, the most one page may have: unwatch one first", maxWatches)
		}
		if a.watches == nil {
			a.watches = map[uint64]*apiWatch{}
		}
		a.lastWatch++
		w := &apiWatch{n: a.lastWatch, stream: s}
		a.watches[w.n] = w
		return w, nil
	}, nil
}

func (a *messageAPI) validateUnwatch(c Command) (func() (any, error), error) {
	a.mu.Lock()
	w := a.watches[c.Watch]
	running := make([]uint64, 0, len(a.watches))
	for n := range a.watches {
		running = append(running, n)
	}
	a.mu.Unlock()
	if w == nil {
		slices.Sort(running)
		return nil, fmt.Errorf("no watch %d is running (running: %v)", c.Watch, running)
	}
	return func() (any, error) {
		w.stream.Cancel()
		return map[string]uint64{"watch": w.n}, nil
	}, nil
}

// pump sends w's responses to origin until the watch ends, then its end.
// Its own goroutine (run's).
func (a *messageAPI) pump(w *apiWatch, origin string) {
	for {
		rs, err := w.stream.Next(context.Background())
		for _, r := range rs {
			evs := r.Events
			for first := true; first || len(evs) > 0; first = false {
				k := min(len(evs), maxWatchEvents)
				m := Message{EtcdPlay: ProtocolVersion, Type: "watch", Watch: w.n, Revision: r.Revision,
					Events: eventResults(evs[:k])}
				if r.Canceled {
					m.CompactRevision = r.CompactRevision
				}
				evs = evs[k:]
				if len(m.Events) > 0 {
					a.post(m, origin)
				} else if !r.Canceled { // a progress notification
					a.post(m, origin)
				}
			}
			if r.Canceled {
				err = fmt.Errorf("etcdserver: mvcc: required revision has been compacted (compact revision %d)", r.CompactRevision)
				a.end(w, origin, err, r.CompactRevision)
				return
			}
		}
		if err != nil {
			a.end(w, origin, err, 0)
			return
		}
	}
}

// end sends w's end and forgets it.
func (a *messageAPI) end(w *apiWatch, origin string, err error, compactRev int64) {
	a.mu.Lock()
	delete(a.watches, w.n)
	a.mu.Unlock()
	a.post(Message{EtcdPlay: ProtocolVersion, Type: "watch-end", Watch: w.n, Error: err.Error(), CompactRevision: compactRev}, origin)
}

func eventResults(evs []mvccpb.Event) []EventResult {
	out := make([]EventResult, len(evs))
	for i, e := range evs {
		r := EventResult{Type: "PUT"}
		if e.Type == mvccpb.DELETE {
			r.Type = "DELETE"
		}
		if kv := e.Kv; kv != nil {
			r.Key, r.Value, r.CreateRevision, r.ModRevision, r.Version = string(kv.Key), string(kv.Value), kv.CreateRevision, kv.ModRevision, kv.Version
		}
		if p := e.PrevKv; p != nil {
			r.PrevKV = &KVResult{Key: string(p.Key), Value: string(p.Value), CreateRevision: p.CreateRevision,
				ModRevision: p.ModRevision, Version: p.Version}
		}
		out[i] = r
	}
	return out
}

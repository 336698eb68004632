package cluster

import (
	"errors"
	"sync"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Client watches, as etcd's clientv3 Watch on one endpoint.
//
// A Watch is created by an action (Cluster.Watch queues it like any other),
// so a watch from the current revision starts at the same revision in every
// replay of a run. From then on, at the end of every Tick (after the
// members' rounds, with c.mu held) watchTick moves the responses the
// member's store has for it into the Watch's buffer, which the client
// drains with Take. Watches only read the stores: they change nothing in
// the run.
//
// A member that goes down leaves its watches waiting; once it is back (a
// restart builds a new store, and so does restoring a raft snapshot) each
// watch watches the new store again from the first revision it has not
// delivered, as clientv3 resumes a broken watch, so no event is repeated or
// lost, unless that revision was compacted meanwhile: the watch then ends
// with etcd's compacted response.
//
// Backpressure: a Watch buffers at most WatchBuffer responses; while its
// buffer is full, responses stay in the store, whose watcher becomes a
// victim (or stays unsynced) and catches up from history once the client
// took some (etcd's slow-watcher handling). Nothing is dropped.

// WatchBuffer bounds the responses a Watch holds for its client.
const WatchBuffer = 256

// ProgressNotifyTicks is how often a watch with ProgressNotify gets an
// empty response carrying the current revision when it delivered nothing
// else meanwhile (etcd's --experimental-watch-progress-notify-interval,
// 10 minutes by default; here 60 s at the tick's 100 ms).
const ProgressNotifyTicks = 600

// WatchRequest is a client's watch request: mvcc's, plus ProgressNotify.
type WatchRequest struct {
	mvcc.WatchRequest
	ProgressNotify bool
}

// ErrWatchCanceled ends a watch its client cancelled.
var ErrWatchCanceled = errors.New("watch canceled by the client")

// Watch is one client watch. Take and Cancel may be called from any
// goroutine.
type Watch struct {
	c      *Cluster
	member uint64
	req    WatchRequest
	num    uint64 // the watch's number (Number), set before Watch returns

	// Owned by the tick (c.mu held).
	store    *mvcc.Store // the store watched; nil while detached
	ws       *mvcc.WatchStream
	wid      int64  // the watcher's ID in ws
	next     int64  // first revision not delivered; 0 until first attached
	lastSent uint64 // tick of the last response buffered (progress notify)

	mu      sync.Mutex // guards the fields below
	buf     []mvcc.WatchResponse
	ended   error // why the watch ended (set once); nil while it runs
	state   string
	notify  chan struct{}
	cancels bool // Cancel was called

	// serial identifies the watch across checkpoints (restore.go).
	serial uint64
}

// Watch queues a watch of member on the next tick and returns it at once.
// Responses then arrive as described above; Take returns them.
func (c *Cluster) Watch(member uint64, req WatchRequest) (*Watch, error) {
	if err := c.checkID(member); err != nil {
		return nil, err
	}
	r := req.WatchRequest
	if err := checkWatchRequest(r); err != nil {
		return nil, err
	}
	w := &Watch{c: c, member: member, req: req, notify: make(chan struct{}, 1), serial: newSerial()}
	w.req.Key = append([]byte(nil), r.Key...)
	if r.End != nil {
		w.req.End = append([]byte(nil), r.End...)
	}
	rec := w.req
	c.qmu.Lock()
	defer c.qmu.Unlock()
	c.watchCount++
	w.num = c.watchCount
	if c.watchByNum == nil {
		c.watchByNum = map[uint64]*Watch{}
	}
	c.watchByNum[w.num] = w
	c.push(action{rec: Action{Kind: KindWatch, Member: member, ID: w.num, Watch: &rec},
		f: func() { c.watches = append(c.watches, w) }}, func() { w.end(ErrRewound) })
	return w, nil
}

// Number returns the watch's number: 1 for the cluster's first Watch, 2
// for the next, ... (the watch-cancel action names the watch by it).
func (w *Watch) Number() uint64 { return w.num }

// checkWatchRequest refuses what etcd refuses of a watch request.
func checkWatchRequest(r mvcc.WatchRequest) error {
	if r.StartRev < 0 {
		return mvcc.ErrCompacted // etcd refuses a negative start revision so
	}
	if len(r.End) != 0 && r.End[0] != 0 && string(r.Key) >= string(r.End) {
		return mvcc.ErrEmptyWatcherRange
	}
	return nil
}

// WatchWaiting is the state of a watch whose member is down (State).
const WatchWaiting = "waiting"

// State names the watch's state in its member's store (mvcc.WatchSynced,
// WatchUnsynced or WatchVictim), WatchWaiting while its member is down,
// "" before the watch started or once it ended. Taken at the end of each
// tick.
func (w *Watch) State() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended != nil {
		return ""
	}
	return w.state
}

func (w *Watch) setState(s string) {
	w.mu.Lock()
	w.state = s
	w.mu.Unlock()
}

// Member returns the member watched.
func (w *Watch) Member() uint64 { return w.member }

// Take returns the responses buffered since the last Take (at most max if
// max > 0), oldest first, and why the watch ended once it has and its
// buffer is empty (nil while it runs). Ready is signalled when responses
// or the end arrive.
func (w *Watch) Take(max int) ([]mvcc.WatchResponse, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(w.buf)
	if max > 0 && n > max {
		n = max
	}
	out := append([]mvcc.WatchResponse(nil), w.buf[:n]...)
	rest := copy(w.buf, w.buf[n:])
	clear(w.buf[rest:])
	w.buf = w.buf[:rest]
	if len(w.buf) == 0 && w.ended != nil {
		return out, w.ended
	}
	return out, nil
}

// Ready is signalled (capacity 1) when responses or the watch's end
// arrive; a client waits on it, then Takes.
func (w *Watch) Ready() <-chan struct{} { return w.notify }

// Cancel ends the watch: it gets nothing more, and Take reports
// ErrWatchCanceled once its buffer is drained (responses already buffered
// are still returned). Cancelling twice is harmless.
func (w *Watch) Cancel() {
	w.mu.Lock()
	if w.cancels {
		w.mu.Unlock()
		return
	}
	w.cancels = true
	w.mu.Unlock()
	w.end(ErrWatchCanceled)
	c := w.c
	c.qmu.Lock()
	delete(c.watchByNum, w.num)
	c.qmu.Unlock()
	c.enqueue(Action{Kind: KindWatchCancel, ID: w.num}, func() { w.detach() })
}

// end records why the watch ended (the first reason wins) and wakes the
// client.
func (w *Watch) end(err error) {
	w.mu.Lock()
	if w.ended == nil {
		w.ended = err
	}
	w.mu.Unlock()
	w.wake()
}

func (w *Watch) wake() {
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

// full reports whether the buffer holds WatchBuffer responses.
func (w *Watch) full() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.buf) >= WatchBuffer
}

func (w *Watch) push(r mvcc.WatchResponse) {
	w.mu.Lock()
	w.buf = append(w.buf, r)
	w.mu.Unlock()
	w.wake()
}

func (w *Watch) isEnded() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ended != nil
}

// detach closes the watch's stream on the store it watched. c.mu held.
func (w *Watch) detach() {
	if w.ws != nil {
		w.ws.Close()
	}
	w.ws, w.store = nil, nil
}

// watchTick serves every watch, in creation order (see the top of this
// file). Called by Tick after the members' rounds, with c.mu held.
func (c *Cluster) watchTick() {
	if len(c.watches) == 0 {
		return
	}
	synced := map[*mvcc.Store]bool{}
	kept := c.watches[:0]
	for _, w := range c.watches {
		if w.isEnded() {
			w.detach()
			continue
		}
		c.serveWatch(w, synced)
		kept = append(kept, w)
	}
	clear(c.watches[len(kept):])
	c.watches = kept
}

// serveWatch attaches w to its member's current store if it changed, lets
// the store catch unsynced watchers up (once per store per tick) and moves
// responses into w's buffer while it has room.
func (c *Cluster) serveWatch(w *Watch, synced map[*mvcc.Store]bool) {
	m := c.members[w.member]
	if m == nil {
		w.detach() // down: resume when it is back
		w.setState(WatchWaiting)
		return
	}
	defer func() {
		if w.ws != nil {
			w.setState(w.ws.State(w.wid))
		}
	}()
	s := m.Store()
	if s != w.store {
		w.detach()
		r := w.req.WatchRequest
		if w.next > 0 {
			r.StartRev = w.next
		}
		ws := s.NewWatchStream(0)
		wid, err := ws.Watch(r)
		if err != nil {
			ws.Close()
			w.end(err)
			return
		}
		w.store, w.ws, w.wid = s, ws, wid
		if w.next == 0 {
			w.next = max(r.StartRev, 1)
			if r.StartRev == 0 || r.StartRev > s.Rev() {
				w.next = max(s.Rev()+1, r.StartRev)
			}
			w.lastSent = c.now
		}
	}
	if !synced[s] {
		synced[s] = true
		s.SyncWatchers()
	}
	for !w.full() {
		var r mvcc.WatchResponse
		select {
		case r = <-w.ws.Chan():
		default:
			c.progressNotify(w, s)
			return
		}
		if n := len(r.Events); n > 0 {
			w.next = r.Events[n-1].Kv.ModRevision + 1
		}
		w.lastSent = c.now
		w.push(r)
		if r.Canceled {
			w.end(mvcc.ErrCompacted)
			return
		}
	}
}

// progressNotify gives a watch that asked for it an empty response with
// the store's revision every ProgressNotifyTicks of silence. Called when
// the store had nothing more for w this tick, after SyncWatchers.
func (c *Cluster) progressNotify(w *Watch, s *mvcc.Store) {
	if !w.req.ProgressNotify || c.now-w.lastSent < ProgressNotifyTicks {
		return
	}
	w.lastSent = c.now
	w.push(mvcc.WatchResponse{Revision: s.Rev()})
}

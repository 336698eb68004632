package mvcc

import (
	"bytes"

	"go.etcd.io/etcd/api/v3/mvccpb"
)

// Watch machinery, modelled on etcd's watchableStore:
//
//   - a synced watcher has seen every revision before minRev = Rev()+1 and
//     is fed at the end of each write txn (notify), one response per
//     revision that has events for it;
//   - an unsynced watcher (start revision in the past) is caught up from
//     the stored history by SyncWatchers, at most watchBatchMaxRevs
//     revisions per response, then becomes synced;
//   - a watcher whose channel is full when a response is due becomes a
//     victim holding that one response; SyncWatchers retries it. Writers
//     never block.
//
// All watcher state is guarded by Store.mu (held exclusively by writers,
// Watch, Cancel, Close and SyncWatchers), so a response is never sent on a
// closed channel. Watchers are kept in creation order so that every member
// behaves identically.

const (
	// defaultWatchBuf is the channel capacity used when NewWatchStream gets
	// buf <= 0 (etcd's chanBufLen).
	defaultWatchBuf = 128
	// maxWatchersPerSync bounds the watchers one SyncWatchers call serves
	// (etcd's maxWatchersPerSync).
	maxWatchersPerSync = 512
	// watchBatchMaxRevs bounds the revisions in one catch-up response
	// (etcd's watchBatchMaxRevs).
	watchBatchMaxRevs = 1000
	// maxScanPerSync bounds the stored revisions one SyncWatchers call
	// reads while catching watchers up (etcd has no such bound: it reads
	// the whole backlog at once; on the page's single thread we may not).
	maxScanPerSync = 64 * 1024
)

type watchers struct {
	synced   []*watcher // creation order
	unsynced []*watcher // creation order
	victims  []*watcher // order of becoming a victim
	seq      uint64
}

type watcher struct {
	ws       *WatchStream
	id       int64
	seq      uint64 // creation order across the store
	key, end []byte // end as in WatchRequest (nil: key alone; "\x00": from key)
	prevKV   bool
	noPut    bool
	noDelete bool

	// minRev is the next revision the watcher has not been sent.
	minRev int64
	// pending is the response a victim still has to deliver.
	pending *WatchResponse
	state   watchState
}

type watchState int8

const (
	stateSynced watchState = iota
	stateUnsynced
	stateVictim
	stateGone
)

// matches reports whether key is in the watcher's selection.
func (w *watcher) matches(key []byte) bool {
	if len(w.end) == 0 {
		return bytes.Equal(key, w.key)
	}
	if bytes.Compare(key, w.key) < 0 {
		return false
	}
	return isOpenEnd(w.end) || bytes.Compare(key, w.end) < 0
}

// WatchStream multiplexes watchers onto one bounded channel, as etcd's
// WatchStream. Responses for one watcher arrive in revision order.
type WatchStream struct {
	s        *Store
	ch       chan WatchResponse
	watchers map[int64]*watcher
	nextID   int64
	closed   bool
}

// NewWatchStream returns a stream whose channel holds buf responses
// (defaultWatchBuf if buf <= 0).
func (s *Store) NewWatchStream(buf int) *WatchStream {
	if buf <= 0 {
		buf = defaultWatchBuf
	}
	return &WatchStream{s: s, ch: make(chan WatchResponse, buf), watchers: make(map[int64]*watcher)}
}

// Chan delivers the stream's responses. It is closed by Close.
func (ws *WatchStream) Chan() <-chan WatchResponse { return ws.ch }

// Watch starts a watcher and returns its ID (0, 1, ... per stream). StartRev
// 0 or after the current revision: events from the next revision (or
// StartRev if later). An older StartRev: history is replayed by
// SyncWatchers, or, if StartRev is compacted, the watcher gets one response
// with CompactRevision set and Canceled, then gets no more (Cancel of its
// ID still succeeds once, as in etcd). A negative StartRev is refused with
// ErrCompacted, as etcd does.
func (ws *WatchStream) Watch(r WatchRequest) (int64, error) {
	if r.StartRev < 0 {
		return -1, ErrCompacted // etcd's gRPC layer refuses it with this reason
	}
	if len(r.End) != 0 && !isOpenEnd(r.End) && bytes.Compare(r.Key, r.End) >= 0 {
		return -1, ErrEmptyWatcherRange
	}
	s := ws.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if ws.closed {
		return -1, ErrWatchStreamClosed
	}
	s.w.seq++
	w := &watcher{
		ws:       ws,
		id:       ws.nextID,
		seq:      s.w.seq,
		key:      append([]byte(nil), r.Key...),
		prevKV:   r.PrevKV,
		noPut:    r.NoPut,
		noDelete: r.NoDelete,
	}
	if len(r.End) != 0 {
		w.end = append([]byte(nil), r.End...)
	}
	ws.nextID++
	ws.watchers[w.id] = w
	if r.StartRev == 0 || r.StartRev > s.rev {
		w.minRev = max(s.rev+1, r.StartRev)
		w.state = stateSynced
		s.w.synced = append(s.w.synced, w)
	} else {
		w.minRev = r.StartRev
		w.state = stateUnsynced
		s.w.unsynced = append(s.w.unsynced, w)
	}
	return w.id, nil
}

// Cancel stops watcher id; nothing more is sent for it.
func (ws *WatchStream) Cancel(id int64) error {
	s := ws.s
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := ws.watchers[id]
	if !ok {
		return ErrWatcherNotExist
	}
	s.removeWatcher(w)
	return nil
}

// Close cancels every watcher of the stream and closes its channel.
// Closing twice is harmless.
func (ws *WatchStream) Close() {
	s := ws.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if ws.closed {
		return
	}
	for _, w := range ws.watchers {
		s.removeWatcher(w)
	}
	ws.closed = true
	close(ws.ch)
}

// removeWatcher forgets w everywhere. Caller holds mu exclusively.
func (s *Store) removeWatcher(w *watcher) {
	switch w.state {
	case stateSynced:
		s.w.synced = removeW(s.w.synced, w)
	case stateUnsynced:
		s.w.unsynced = removeW(s.w.unsynced, w)
	case stateVictim:
		s.w.victims = removeW(s.w.victims, w)
	}
	w.state = stateGone
	w.pending = nil
	delete(w.ws.watchers, w.id)
}

func removeW(ws []*watcher, w *watcher) []*watcher {
	for i, x := range ws {
		if x == w {
			copy(ws[i:], ws[i+1:])
			ws[len(ws)-1] = nil
			return ws[:len(ws)-1]
		}
	}
	return ws
}

// insertW adds w to ws keeping creation order.
func insertW(ws []*watcher, w *watcher) []*watcher {
	i := len(ws)
	for i > 0 && ws[i-1].seq > w.seq {
		i--
	}
	ws = append(ws, nil)
	copy(ws[i+1:], ws[i:])
	ws[i] = w
	return ws
}

// trySend delivers resp without blocking.
func (w *watcher) trySend(resp WatchResponse) bool {
	select {
	case w.ws.ch <- resp:
		return true
	default:
		return false
	}
}

// event builds the watch event of log entry e for w, or ok=false if w's
// filters drop it. A DELETE carries only Key and ModRevision (as etcd's).
// PrevKV is the key's value just before e, unless e creates the key or that
// revision is compacted. Caller holds mu.
func (s *Store) event(w *watcher, e *entry) (ev Event, ok bool) {
	if e.isTombstone() {
		if w.noDelete {
			return ev, false
		}
		ev = Event{Type: mvccpb.DELETE, Kv: &KeyValue{Key: e.ki.key, ModRevision: e.rev.main}}
	} else {
		if w.noPut {
			return ev, false
		}
		kv := new(KeyValue)
		e.fill(kv)
		ev = Event{Type: mvccpb.PUT, Kv: kv}
	}
	if w.prevKV && !(ev.Type == mvccpb.PUT && ev.Kv.Version == 1) {
		ev.PrevKv = s.prevKV(e)
	}
	return ev, true
}

// prevKV returns the key of e as it was at e's main revision - 1, or nil.
func (s *Store) prevKV(e *entry) *KeyValue {
	at := e.rev.main - 1
	if at < s.compactRev {
		return nil
	}
	rev, ok := e.ki.get(at)
	if !ok {
		return nil
	}
	p := s.entryOf(e.ki, rev)
	if p == nil {
		return nil
	}
	kv := new(KeyValue)
	p.fill(kv)
	return kv
}

// notify feeds synced watchers the entries of revision rev (log indexes
// first..end). A watcher whose channel is full becomes a victim. Caller
// holds mu exclusively.
func (s *Store) notify(rev int64, first int) {
	if len(s.w.synced) == 0 {
		return
	}
	n := s.log.len()
	kept := s.w.synced[:0]
	var victims []*watcher
	for _, w := range s.w.synced {
		if w.minRev > rev { // started in the future
			kept = append(kept, w)
			continue
		}
		var evs []Event
		for i := first; i < n; i++ {
			e := s.log.at(i)
			if !w.matches(e.ki.key) {
				continue
			}
			if ev, ok := s.event(w, e); ok {
				evs = append(evs, ev)
			}
		}
		w.minRev = rev + 1
		if len(evs) == 0 {
			kept = append(kept, w)
			continue
		}
		resp := WatchResponse{WatchID: w.id, Events: evs, Revision: rev}
		if w.trySend(resp) {
			kept = append(kept, w)
			continue
		}
		w.pending = &resp
		w.state = stateVictim
		victims = append(victims, w)
	}
	clear(s.w.synced[len(kept):])
	s.w.synced = kept
	s.w.victims = append(s.w.victims, victims...)
}

// SyncWatchers does a bounded amount of catch-up work and reports whether
// more remains: it retries victims' pending responses, then serves up to
// maxWatchersPerSync unsynced watchers at most one response each (at most
// watchBatchMaxRevs revisions of history, or the compacted response),
// reading at most about maxScanPerSync stored revisions in all.
// The store's owner calls it (e.g. once per tick) until it returns false.
func (s *Store) SyncWatchers() (more bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryVictims()
	served, budget := 0, maxScanPerSync
	var still []*watcher
	for _, w := range s.w.unsynced {
		if served == maxWatchersPerSync || budget <= 0 {
			still = append(still, w)
			continue
		}
		served++
		if s.syncOne(w, &budget) {
			still = append(still, w)
		}
	}
	s.w.unsynced = still
	return len(s.w.unsynced) > 0 || len(s.w.victims) > 0
}

// retryVictims resends each victim's pending response; a delivered victim
// becomes synced if it has seen the current revision, else unsynced.
func (s *Store) retryVictims() {
	var still []*watcher
	for _, w := range s.w.victims {
		if !w.trySend(*w.pending) {
			still = append(still, w)
			continue
		}
		w.pending = nil
		if w.minRev <= s.rev {
			w.state = stateUnsynced
			s.w.unsynced = insertW(s.w.unsynced, w)
		} else {
			w.state = stateSynced
			s.w.synced = insertW(s.w.synced, w)
		}
	}
	s.w.victims = still
}

// syncOne serves one unsynced watcher and reports whether it stays
// unsynced. It may instead become synced, a victim, or gone (compacted).
// It reads whole revisions, decrementing *budget per stored revision read,
// and stops at a revision boundary once *budget is spent (after reading at
// least one revision, so every call makes progress).
func (s *Store) syncOne(w *watcher, budget *int) (stay bool) {
	if w.minRev < s.compactRev {
		// etcd's compacted response: Revision 0, then the watcher is gone.
		if !w.trySend(WatchResponse{WatchID: w.id, CompactRevision: s.compactRev, Canceled: true}) {
			return true
		}
		// It stays in ws.watchers, so that Cancel still finds it once (as
		// etcd's watchStream keeps a compacted watcher's cancel func).
		w.state = stateGone
		return false
	}
	var evs []Event
	revs, last, scanned := 0, int64(0), int64(0)
	next := s.rev + 1 // first revision not covered by this response
	for i, n := s.log.search(revision{main: w.minRev}), s.log.len(); i < n; i++ {
		e := s.log.at(i)
		if e.rev.main != scanned {
			if *budget <= 0 && scanned != 0 {
				next = e.rev.main
				break
			}
			scanned = e.rev.main
		}
		*budget--
		if !w.matches(e.ki.key) {
			continue
		}
		if e.rev.main != last {
			// Revisions are counted before filters, as etcd's eventBatch.
			if revs == watchBatchMaxRevs {
				next = e.rev.main
				break
			}
			revs++
			last = e.rev.main
		}
		if ev, ok := s.event(w, e); ok {
			evs = append(evs, ev)
		}
	}
	w.minRev = next
	if len(evs) > 0 {
		resp := WatchResponse{WatchID: w.id, Events: evs, Revision: s.rev}
		if !w.trySend(resp) {
			w.pending = &resp
			w.state = stateVictim
			s.w.victims = append(s.w.victims, w)
			return false
		}
	}
	if next <= s.rev {
		return true
	}
	w.state = stateSynced
	s.w.synced = insertW(s.w.synced, w)
	return false
}

// Watcher states, as State names them (etcd's watchableStore keeps its
// watchers in the same three groups).
const (
	WatchSynced   = "synced"   // seen every revision; fed as writes happen
	WatchUnsynced = "unsynced" // catching up from the stored history
	WatchVictim   = "victim"   // its channel was full; it holds a response to retry
)

// State names watcher id's state: WatchSynced, WatchUnsynced or
// WatchVictim; "" when the watcher is gone (cancelled, or ended by a
// compacted start revision) or unknown.
func (ws *WatchStream) State(id int64) string {
	s := ws.s
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := ws.watchers[id]
	if !ok {
		return ""
	}
	switch w.state {
	case stateSynced:
		return WatchSynced
	case stateUnsynced:
		return WatchUnsynced
	case stateVictim:
		return WatchVictim
	}
	return ""
}

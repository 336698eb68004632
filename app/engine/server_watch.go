package engine

import "sort"

// The server's watches (watch.go): opened by OpWatch, drained into the
// updates by pushUpdates, cancelled by OpWatchCancel or when the
// connection ends.

// serverWatch is one open watch of the connection.
type serverWatch struct {
	stream WatchStream
	poll   WatchPoller
	state  string // the state last sent (WatchStater)
}

// watch opens q's watch and answers its number (q's ID). Receiving
// goroutine: the watch is queued before the next request is handled.
func (s *server) watch(e Engine, q *Request) {
	wr, ok := e.(Watcher)
	if !ok {
		s.answer(&Response{ID: q.ID, Err: ErrNoWatch})
		return
	}
	st, err := wr.Watch(q.Member, q.Watch)
	if err != nil {
		s.answer(&Response{ID: q.ID, Err: err})
		return
	}
	p, ok := st.(WatchPoller)
	if !ok {
		st.Cancel()
		s.answer(&Response{ID: q.ID, Err: ErrNoWatch})
		return
	}
	s.mu.Lock()
	if s.watches == nil {
		s.watches = map[uint64]*serverWatch{}
	}
	s.watches[q.ID] = &serverWatch{stream: st, poll: p}
	s.mu.Unlock()
	s.answer(&Response{ID: q.ID, N: q.ID})
}

// cancelWatch cancels watch n; its end reaches the client in an update.
func (s *server) cancelWatch(n uint64) {
	s.mu.Lock()
	w := s.watches[n]
	s.mu.Unlock()
	if w != nil {
		w.stream.Cancel()
	}
}

// cancelWatches ends every watch of the connection (it is over).
func (s *server) cancelWatches() {
	s.mu.Lock()
	ws := s.watches
	s.watches = nil
	s.mu.Unlock()
	for _, w := range ws {
		w.stream.Cancel()
	}
}

// watchUpdates takes the watches' new responses, at most
// MaxUpdateWatchResponses in all (oldest watches first), and the ends of
// those that ended, which it forgets. pushUpdates only.
func (s *server) watchUpdates() []WatchUpdate {
	s.mu.Lock()
	ids := make([]uint64, 0, len(s.watches))
	for id := range s.watches {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var out []WatchUpdate
	budget := MaxUpdateWatchResponses
	for _, id := range ids {
		s.mu.Lock()
		w := s.watches[id]
		s.mu.Unlock()
		if w == nil {
			continue
		}
		var (
			rs  []WatchResponse
			err error
		)
		if budget > 0 { // else its responses wait for the next update
			rs, err = w.poll.Poll(budget)
			budget -= len(rs)
		}
		var state string
		if st, ok := w.stream.(WatchStater); ok && err == nil {
			if now := st.State(); now != w.state {
				w.state, state = now, now
			}
		}
		if len(rs) == 0 && err == nil && state == "" {
			continue
		}
		out = append(out, WatchUpdate{ID: id, Responses: rs, Err: err, State: state})
		if err != nil {
			s.mu.Lock()
			delete(s.watches, id)
			s.mu.Unlock()
		}
	}
	return out
}

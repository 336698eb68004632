package engine

// pushUpdates sends an update each time the client has acknowledged the
// previous one, from the engine's start until the connection ends. Its own
// goroutine.
func (s *server) pushUpdates() {
	select {
	case <-s.started:
	case <-s.ctx.Done():
		return
	}
	for {
		select {
		case <-s.credit:
		case <-s.ctx.Done():
			return
		}
		s.send(encodeUpdate(s.update()))
	}
}

// update takes the engine's state: the whole status, the links that
// changed and the events that are new since the last update, and the
// stress runs whose progress changed. pushUpdates only.
func (s *server) update() *Update {
	e := s.engine()
	s.mu.Lock()
	u := &Update{Applied: s.applied}
	s.mu.Unlock()
	if t, ok := e.(Timeliner); ok {
		u.Timeline = t.Timeline()
		if u.Timeline.Rewinds != s.rewinds {
			// Another point of the history: every event and link is new.
			s.rewinds, s.lastSeq, s.links = u.Timeline.Rewinds, 0, nil
			u.EventsReset = true
		}
	}
	u.Now, u.Paused = e.Now(), e.Paused()
	u.Members = e.Status()
	if s.links == nil {
		s.links = map[[2]uint64]LinkView{}
	}
	for _, l := range e.Links() {
		k := [2]uint64{l.From, l.To}
		if old, ok := s.links[k]; !ok || old != l {
			s.links[k] = l
			u.Links = append(u.Links, l)
		}
	}
	evs := e.Events(s.lastSeq)
	if len(evs) > 0 {
		s.lastSeq = evs[len(evs)-1].Seq
	}
	if len(evs) > MaxUpdateEvents {
		u.EventsDropped = uint64(len(evs) - MaxUpdateEvents)
		evs = evs[len(evs)-MaxUpdateEvents:]
	}
	u.Events = evs
	s.mu.Lock()
	for n, r := range s.runs {
		p := r.run.Progress()
		if !r.sent || p != r.last {
			r.last, r.sent = p, true
			u.Stress = append(u.Stress, StressUpdate{Run: n, StressProgress: p})
		}
		if !p.Running {
			delete(s.runs, n) // its final progress is in this update
		}
	}
	s.mu.Unlock()
	if st, ok := e.(Storage); ok {
		u.Storage = st.Storage()
	}
	if sp, ok := e.(Stoppable); ok {
		u.Stopped = sp.Stopped() != nil
	}
	u.Watches = s.watchUpdates()
	if se, ok := e.(Settable); ok {
		u.Settings, u.Restarting = se.Settings(), se.RestartsPending()
	}
	s.mu.Lock()
	show := s.showMessages
	s.mu.Unlock()
	if show > 0 {
		u.Messages, u.MessagesTotal = e.Messages(show)
	}
	if sr, ok := e.(SpeedReporter); ok {
		u.Speed = sr.Speed()
	}
	if ch, ok := e.(Checker); ok {
		if v, ok := ch.LastVerdict(); ok && verdictChanged(s.verdict, v) {
			u.Verdict = &v
			s.verdict = &v
		}
	}
	return u
}

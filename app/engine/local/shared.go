package local

import (
	"errors"
	"sync"

	"github.com/etcd-play/etcd-play/app/engine"
)

// Shared returns a Starter that builds one engine with start, on the first
// request, and answers every later request with that same running engine
// (their StartRequests are ignored): the native engine (serve
// -engine=native), which every page connected to the server shares.
//
// A start that fails is not kept: the next request tries again. After the
// shared engine's ResetAll (the storage controls' reset, after which the
// page reloads to start a new cluster) the next request builds a new
// engine; other pages still connected keep the old, stopped one (every
// member down) until they reload.
//
// Concurrent requests wait for one start; start runs with a lock held, so
// it must not call the returned Starter.
func Shared(start engine.Starter) engine.Starter {
	s := &shared{start: start}
	return s.get
}

type shared struct {
	start engine.Starter

	mu  sync.Mutex
	eng engine.Engine // nil before the first start succeeds and after a reset
}

func (s *shared) get(req engine.StartRequest) (engine.Engine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.eng != nil {
		return s.eng, nil
	}
	e, err := s.start(req)
	if err != nil {
		return nil, err
	}
	if st, ok := e.(engine.Storage); ok {
		e = &sharedStorage{Engine: e, st: st, s: s}
	}
	s.eng = e
	return e, nil
}

// forget drops e as the shared engine (if it still is), so that the next
// request starts a new one.
func (s *shared) forget(e engine.Engine) {
	s.mu.Lock()
	if s.eng == e {
		s.eng = nil
	}
	s.mu.Unlock()
}

// sharedStorage is a shared engine with storage: ResetAll also makes the
// next request start a new engine. Stopped is the engine's when it has one
// (nil otherwise: it is never stopped).
type sharedStorage struct {
	engine.Engine
	st engine.Storage
	s  *shared
}

var (
	_ engine.Storage   = (*sharedStorage)(nil)
	_ engine.Stoppable = (*sharedStorage)(nil)
	_ engine.Settable  = (*sharedStorage)(nil)
)

func (e *sharedStorage) Storage() engine.StorageView   { return e.st.Storage() }
func (e *sharedStorage) KillPowerLoss(id uint64) error { return e.st.KillPowerLoss(id) }
func (e *sharedStorage) KillAllPowerLoss()             { e.st.KillAllPowerLoss() }
func (e *sharedStorage) WipeMember(id uint64) error    { return e.st.WipeMember(id) }
func (e *sharedStorage) ResetAll() error {
	e.s.forget(e)
	return e.st.ResetAll()
}

// Settings, SetSettings and RestartsPending forward to the engine's
// (every engine Start builds is Settable).
func (e *sharedStorage) Settings() engine.Settings {
	if s, ok := e.Engine.(engine.Settable); ok {
		return s.Settings()
	}
	return engine.Settings{}
}

func (e *sharedStorage) SetSettings(s engine.Settings) error {
	if st, ok := e.Engine.(engine.Settable); ok {
		return st.SetSettings(s)
	}
	return errNotSettable
}

func (e *sharedStorage) RestartsPending() []uint64 {
	if s, ok := e.Engine.(engine.Settable); ok {
		return s.RestartsPending()
	}
	return nil
}

// errNotSettable answers SetSettings on an engine without live settings.
var errNotSettable = errors.New("this cluster's settings cannot change while it runs")

func (e *sharedStorage) Stopped() error {
	if s, ok := e.Engine.(engine.Stoppable); ok {
		return s.Stopped()
	}
	return nil
}

package local

import "github.com/etcd-play/etcd-play/app/engine"

var _ engine.SpeedReporter = (*sharedStorage)(nil)

// Speed forwards to the shared engine's (every engine Start builds
// reports it; 0 otherwise).
func (e *sharedStorage) Speed() float64 {
	if s, ok := e.Engine.(engine.SpeedReporter); ok {
		return s.Speed()
	}
	return 0
}

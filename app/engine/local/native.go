package local

import "github.com/etcd-play/etcd-play/app/engine"

// StartNative is the native engine's Starter (serve -engine=native, behind
// Shared): Start's cluster (the size, seed and speed req asks for), always
// on durable's in-memory medium (there is no native disk medium: the
// cluster lives as long as the server). req.Mode and req.Embed are
// ignored: there is no tab lock to share.
func StartNative(req engine.StartRequest) (engine.Engine, error) {
	req.Mode, req.Embed = engine.StartInMemory, false
	eng, err := Start(req)
	if err != nil {
		return nil, err
	}
	// The in-memory mode's notice speaks of another tab; here memory is
	// simply where the server keeps the cluster (the page says "Storage:
	// memory only").
	if e, ok := eng.(*durableEngine); ok {
		e.mu.Lock()
		e.info.Notice = ""
		e.mu.Unlock()
	}
	return eng, nil
}

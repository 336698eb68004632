package engine

// The Client's Settable: the settings in force and the pending restarts
// come with every update; SetSettings is a request (its error is the
// engine's Validate, or the engine not being settable).

var _ Settable = (*remote)(nil)

func (r *remote) Settings() Settings {
	return readView(r.c, func(v *view) Settings { return v.settings })
}

func (r *remote) SetSettings(s Settings) error {
	return r.do(&Request{Op: OpSetSettings, Settings: s})
}

func (r *remote) RestartsPending() []uint64 {
	return readView(r.c, func(v *view) []uint64 { return append([]uint64(nil), v.restart...) })
}

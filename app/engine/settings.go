package engine

import "github.com/etcd-play/etcd-play/node"

// Settings are the cluster's live raft settings (one definition:
// node.Settings, whose Validate gives the ranges and the errors, named as
// the page's controls and URL parameters are).
type Settings = node.Settings

// Settable is an Engine whose raft settings change while it runs:
// app/engine/local's engines (cluster.Cluster's own methods) and the
// Client's (carried by the protocol: OpSetSettings, and the settings in
// force in every Update).
type Settable interface {
	// Settings returns the settings in force.
	Settings() Settings
	// SetSettings checks s (a bad value is an error at once, and nothing
	// changes) and queues it as an action: snapshot counts apply at the
	// next tick, raft's settings by restarting the members one at a time.
	SetSettings(s Settings) error
	// RestartsPending lists the members that still restart to take the
	// settings in force, the one restarting now first (nil: none).
	RestartsPending() []uint64
}

// DefaultPageSettings are the settings of the page's cluster when its URL
// sets none: the engine's defaults, except that a member snapshots every
// 1,000 applied entries and keeps 500 behind (app/engine/local.Start says
// why).
func DefaultPageSettings() Settings {
	s := node.DefaultSettings()
	s.SnapshotCount, s.CatchUpCount = 1000, 500
	return s
}

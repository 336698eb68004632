package local

import (
	"context"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/cluster"
)

// LogPage implements engine.Engine over cluster.LogPage (which waits for
// a running tick; ctx is not needed to bound that).
func (e *clusterEngine) LogPage(_ context.Context, member, from uint64, count int) (*engine.LogPageView, error) {
	p, err := e.Cluster.LogPage(member, from, count)
	if err != nil {
		return nil, err
	}
	v := &engine.LogPageView{Member: p.Member, Up: p.Up, From: p.From, First: p.First, Last: p.Last,
		Commit: p.Commit, Applied: p.Applied, SnapshotIndex: p.SnapshotIndex,
		Entries: make([]engine.LogEntryView, len(p.Entries))}
	for i, en := range p.Entries {
		v.Entries[i] = logEntryView(en, 0)
	}
	for _, o := range p.Overwritten {
		v.Overwritten = append(v.Overwritten, logEntryView(o.LogEntry, o.Tick))
	}
	return v, nil
}

// engine.MaxLogPage is cluster.MaxLogPage (a compile-time check both ways).
var (
	_ [engine.MaxLogPage - cluster.MaxLogPage]struct{}
	_ [cluster.MaxLogPage - engine.MaxLogPage]struct{}
)

func logEntryView(e node.LogEntry, tick uint64) engine.LogEntryView {
	return engine.LogEntryView{Index: e.Index, Term: e.Term, Kind: e.Kind, Text: e.Text, Tick: tick}
}

package engine

import (
	"context"
	"errors"
	"fmt"
)

// The log view's protocol: a window on one member's raft log
// (Engine.LogPage, OpLogPage), filled from node/cluster's LogPage.

// MaxLogPage bounds LogPage's count (cluster.MaxLogPage): the page asks
// only for what it shows, so a log of any length costs at most this.
const MaxLogPage = 1000

// LogEntryView is one raft log entry: its index and term, its kind
// (node.EntryKind's names: "put", "delete", "txn", "compact",
// "lease-grant", "lease-revoke", "lease-keepalive", "empty",
// "conf-change", "other") and one line of its decoded request (user bytes
// Go-quoted: plain text, to be shown as text). Tick is set on an
// overwritten entry only: the tick at which a later term's entry
// replaced it.
type LogEntryView struct {
	Index, Term uint64
	Kind, Text  string
	Tick        uint64
}

// LogPageView is a window on one member's log and its marks. Entries
// are the stored entries in [From, From+count) (none below First: the
// log through First-1 is compacted into the snapshot at SnapshotIndex;
// none above Last). An entry is committed when Index <= Commit, applied
// when Index <= Applied. Overwritten lists the entries of the window's
// range (or above Last, when the window reaches it) that the member held
// until a later term replaced them, oldest first (the newest 64 per
// member are kept, cluster.OverwrittenKept). A down member (Up false)
// shows what its storage holds, with Applied 0.
type LogPageView struct {
	Member                         uint64
	Up                             bool
	From, First, Last              uint64
	Commit, Applied, SnapshotIndex uint64
	Entries                        []LogEntryView
	Overwritten                    []LogEntryView
}

func writeLogEntries(w *wbuf, es []LogEntryView) {
	w.u(uint64(len(es)))
	for i := range es {
		e := &es[i]
		w.u(e.Index)
		w.u(e.Term)
		w.str(e.Kind)
		w.str(e.Text)
		w.u(e.Tick)
	}
}

func readLogEntries(r *rbuf) []LogEntryView {
	n := r.count(5)
	if n == 0 {
		return nil
	}
	es := make([]LogEntryView, n)
	for i := range es {
		es[i] = LogEntryView{Index: r.u(), Term: r.u(), Kind: r.str(), Text: r.str(), Tick: r.u()}
	}
	return es
}

func writeLogPage(w *wbuf, p *LogPageView) {
	w.bool(p != nil)
	if p == nil {
		return
	}
	w.u(p.Member)
	w.bool(p.Up)
	for _, v := range [...]uint64{p.From, p.First, p.Last, p.Commit, p.Applied, p.SnapshotIndex} {
		w.u(v)
	}
	writeLogEntries(w, p.Entries)
	writeLogEntries(w, p.Overwritten)
}

func readLogPage(r *rbuf) *LogPageView {
	if !r.bool() {
		return nil
	}
	p := &LogPageView{Member: r.u(), Up: r.bool()}
	for _, v := range [...]*uint64{&p.From, &p.First, &p.Last, &p.Commit, &p.Applied, &p.SnapshotIndex} {
		*v = r.u()
	}
	p.Entries = readLogEntries(r)
	p.Overwritten = readLogEntries(r)
	return p
}

// LogPage asks the engine for a window on member's log (OpLogPage).
func (r *remote) LogPage(ctx context.Context, member, from uint64, count int) (*LogPageView, error) {
	if count < 0 || count > MaxLogPage {
		return nil, fmt.Errorf("a log page of %d entries: must be 0..%d", count, MaxLogPage)
	}
	p, err := r.c.call(ctx, &Request{Op: OpLogPage, Member: member, LogFrom: from, LogCount: count})
	if err != nil {
		return nil, err
	}
	if p.LogPage == nil {
		return nil, errors.New("engine protocol: a log page request answered without a page")
	}
	return p.LogPage, nil
}

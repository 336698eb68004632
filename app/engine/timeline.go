package engine

import (
	"context"
	"errors"
)

// The run's history (issue "History"): the engine records every action
// with its tick (node/cluster's History), keeps checkpoints of the cluster,
// and can show the cluster as it was at any recorded tick, replay the
// recorded future from there, branch when a person acts in the past, and
// export or load a history (a JSON file, or the compressed text of a
// shared link). All of it goes through the protocol like any other call.

// TimelineView is the run's history as the timeline shows it.
type TimelineView struct {
	// Start and End bound the ticks the timeline reaches on the current
	// branch: Start is 0 for a run recorded from its start; End is the
	// branch's last tick (the live tick, or, while the page shows the
	// past, the tick the branch reached before).
	Start, End uint64
	// Replaying: the cluster runs along the branch's recorded future
	// (Now < End); acting now starts a new branch.
	Replaying bool
	// Actions counts the actions recorded on the current branch.
	Actions int
	// Branch is the current branch's number (1-based); Branches lists
	// every branch, oldest first.
	Branch   int
	Branches []BranchView
	// Recorded is false for a run that cannot be rewound or shared (it
	// resumed from the browser's storage); Notice then says why and what to
	// do. Notice also reports what a memory bound dropped.
	Recorded bool
	Notice   string
	// Rewinds counts the times the cluster was replaced by another point
	// of its history (a seek, a branch switch, a load): a client that
	// keeps state derived from the run (events, watches) starts over when
	// it changes.
	Rewinds uint64
	// Checkpoints is how many cluster copies the engine keeps, and
	// CheckpointBytes their estimated size.
	Checkpoints     int
	CheckpointBytes int64
}

// BranchView is one branch of the history: it left its parent at tick
// From (0 for the first) and reaches End.
type BranchView struct {
	Number    int
	From, End uint64
	Actions   int
}

// Timeliner is an Engine that records its run and can rewind it.
// app/engine/local's engines and a Client's implement it.
//
// Seek, SwitchBranch and LoadHistory replace the cluster the engine runs
// (in place: the engine and its clients stay connected) and pause it; they
// wait for the replay, which ctx may cancel (the cluster is then left at
// the tick the replay reached). Watches and stress runs started before
// end with ErrRewound (node/cluster).
type Timeliner interface {
	Timeline() TimelineView
	// Seek shows the cluster as it was at tick (Start..End), paused. The
	// branch's actions after tick stay recorded: playing on replays them.
	Seek(ctx context.Context, tick uint64) error
	// SwitchBranch goes to branch n, at its end, paused.
	SwitchBranch(ctx context.Context, n int) error
	// ExportHistory returns the current branch as a history file (JSON,
	// node/cluster's HistoryFile), its Tick the tick shown.
	ExportHistory(ctx context.Context) ([]byte, error)
	// ShareLink returns the current branch as a link's fragment text
	// (compressed; see node/cluster's EncodeHistoryLink).
	ShareLink(ctx context.Context) (string, error)
	// LoadHistory replaces the run by the history in data (a JSON file, or
	// a link's text when link is set) and shows its Tick, paused. A bad
	// history is an error that names what is wrong, and the run is left as
	// it was.
	LoadHistory(ctx context.Context, data []byte, link bool) error
}

// ErrNotRecorded answers a timeline call on a run that was not recorded
// from its start (TimelineView.Recorded).
var ErrNotRecorded = errors.New("this run resumed from the browser's storage, so its history before the load is unknown: reset the cluster to record a run from its start")

// errNoTimeline answers timeline requests on an engine that is not a
// Timeliner.
var errNoTimeline = errors.New("this engine does not record its history")

// The requests: OpSeek (N: the tick), OpSwitchBranch (N: the branch),
// OpExportHistory and OpShareLink (answered in Response.Data),
// OpLoadHistory (Value: the data; N: 1 for a link's text).

var _ Timeliner = (*remote)(nil)

func (r *remote) Timeline() TimelineView {
	return readView(r.c, func(v *view) TimelineView { return cloneTimeline(v.timeline) })
}

func cloneTimeline(t TimelineView) TimelineView {
	t.Branches = append([]BranchView(nil), t.Branches...)
	return t
}

func (r *remote) Seek(ctx context.Context, tick uint64) error {
	_, err := r.c.call(ctx, &Request{Op: OpSeek, N: int64(tick)})
	return err
}

func (r *remote) SwitchBranch(ctx context.Context, n int) error {
	_, err := r.c.call(ctx, &Request{Op: OpSwitchBranch, N: int64(n)})
	return err
}

func (r *remote) ExportHistory(ctx context.Context) ([]byte, error) {
	p, err := r.c.call(ctx, &Request{Op: OpExportHistory})
	if err != nil {
		return nil, err
	}
	return p.Data, nil
}

func (r *remote) ShareLink(ctx context.Context) (string, error) {
	p, err := r.c.call(ctx, &Request{Op: OpShareLink})
	if err != nil {
		return "", err
	}
	return string(p.Data), nil
}

func (r *remote) LoadHistory(ctx context.Context, data []byte, link bool) error {
	n := int64(0)
	if link {
		n = 1
	}
	_, err := r.c.call(ctx, &Request{Op: OpLoadHistory, Value: data, N: n})
	return err
}

// handleTimeline answers the timeline requests (server.handle). It
// reports whether q was one.
func (s *server) handleTimeline(e Engine, q *Request) bool {
	switch q.Op {
	case OpSeek, OpSwitchBranch, OpExportHistory, OpShareLink, OpLoadHistory:
	default:
		return false
	}
	t, ok := e.(Timeliner)
	if !ok {
		s.answer(&Response{ID: q.ID, Err: errNoTimeline})
		return true
	}
	s.wait(q, func(ctx context.Context) *Response {
		var p Response
		switch q.Op {
		case OpSeek:
			p.Err = t.Seek(ctx, uint64(max(q.N, 0)))
		case OpSwitchBranch:
			p.Err = t.SwitchBranch(ctx, int(q.N))
		case OpExportHistory:
			p.Data, p.Err = t.ExportHistory(ctx)
		case OpShareLink:
			var link string
			link, p.Err = t.ShareLink(ctx)
			p.Data = []byte(link)
		case OpLoadHistory:
			p.Err = t.LoadHistory(ctx, q.Value, q.N == 1)
		}
		return &p
	})
	return true
}

func writeTimeline(w *wbuf, t *TimelineView) {
	w.u(t.Start)
	w.u(t.End)
	w.bool(t.Replaying)
	w.i(int64(t.Actions))
	w.i(int64(t.Branch))
	w.u(uint64(len(t.Branches)))
	for _, b := range t.Branches {
		w.i(int64(b.Number))
		w.u(b.From)
		w.u(b.End)
		w.i(int64(b.Actions))
	}
	w.bool(t.Recorded)
	w.str(t.Notice)
	w.u(t.Rewinds)
	w.i(int64(t.Checkpoints))
	w.i(t.CheckpointBytes)
}

func readTimeline(r *rbuf) TimelineView {
	t := TimelineView{Start: r.u(), End: r.u(), Replaying: r.bool(), Actions: r.int(), Branch: r.int()}
	if n := r.count(4); n > 0 {
		t.Branches = make([]BranchView, n)
		for i := range t.Branches {
			t.Branches[i] = BranchView{Number: r.int(), From: r.u(), End: r.u(), Actions: r.int()}
		}
	}
	t.Recorded, t.Notice, t.Rewinds = r.bool(), r.str(), r.u()
	t.Checkpoints, t.CheckpointBytes = r.int(), r.i()
	return t
}

package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The MVCC panel: what etcd's multi-version store keeps, made visible.
//
//   - Revisions: each member's current and compacted revision on one
//     timeline (the compacted prefix shaded); members differ while a
//     partition or a slow follower keeps one behind.
//   - A key's history on the chosen member (mvcc_history.go): every stored
//     revision, newest first, tombstones marked as deletions.
//   - Live watches started from the panel (mvcc_watches.go), apart from
//     the console's own.
//   - Reads on every member (mvcc_reads.go): a serializable and a
//     linearizable get side by side, so a minority's stale answer shows.
//
// State lives in p.mvcc and is touched on the UI goroutine only; engine
// calls run in ctx.Async goroutines on the playground's lasting context and
// bump p.mvccRev when their outcome lands (the panel's key, panel_keys.go,
// so the panel re-renders only when what it shows changed).
//
// Automation: history rows carry data-key and data-revision (and
// data-tombstone); watch rows data-watch (the watch's number); read rows
// data-member, with each cell's data-consistency, data-status and
// data-revision; timeline rows data-member, data-revision and
// data-compact-revision. Controls: data-action mvcc-history, watch-start,
// watch-stop, read-all.

type mvccState struct {
	member uint64 // member the panel reads (0: the page's client member)

	// The key's history (mvcc_history.go).
	keyInput  string // the key field
	key       string // the key whose history is shown
	keySet    bool   // a key was chosen (the empty key is a key too)
	hist      *engine.KeyHistory
	histKey   string // the key hist is of
	histErr   string
	histBusy  bool   // a load is in flight
	histAsked int64  // the member's revision (as the page saw it) when the last load was asked
	histOf    uint64 // the member the last load asked
	histAt    int64  // refresh count of the last load asked (loads are at most one per histEvery refreshes)
	histSeq   uint64 // loads asked; a result of an older one is dropped

	watch mvccWatchForm // mvcc_watches.go
	reads mvccReads     // mvcc_reads.go
}

// mvccMember returns the member the panel reads: its own choice while that
// member exists, else the page's client member.
func (p *playground) mvccMember() uint64 {
	if id := p.mvcc.member; id != 0 {
		if _, ok := p.view.member(id); ok {
			return id
		}
	}
	return p.client
}

// mvccChanged records that something the panel shows changed. UI goroutine.
func (p *playground) mvccChanged() { p.mvccRev++ }

// The view is four panels, each re-rendered only when what it shows
// changed (panel_keys.go): the revisions (every member's revision moves
// with each write), a key (history and reads: mvccRev), the watches
// (watchRev: each batch of events) and the leases (lease_panel.go). So a
// stress run redraws the small timeline, not a history of 1,000 rows.

// renderMVCCPanel is the key's panel: the member choice, the key's
// history and the reads on every member.
func (p *playground) renderMVCCPanel() app.UI {
	return app.Section().Class("panel mvcc").Aria("labelledby", "mvcc-h").Body(
		app.H2().ID("mvcc-h").Text("MVCC: a key"),
		p.renderMVCCMember(),
		p.renderKeyHistory(),  // mvcc_history.go
		p.renderMemberReads(), // mvcc_reads.go
	)
}

// membersKey summarises the members' ids, names and states (what the
// panels' member names and choices show).
func (p *playground) membersKey() string {
	var b strings.Builder
	for _, m := range p.view.members {
		fmt.Fprintf(&b, "%d%s%s;", m.ID, m.Name, m.State)
	}
	return b.String()
}

// renderMVCCMember is the member choice the history and the watches use.
func (p *playground) renderMVCCMember() app.UI {
	cur := p.mvccMember()
	opts := make([]app.UI, 0, len(p.view.members))
	for _, m := range p.view.members {
		opts = append(opts, app.Option().Value(itoa(m.ID)).Selected(m.ID == cur).Text(m.Name))
	}
	return app.Div().Class("row").Body(
		app.Span().Class("field-inline").Body(
			app.Label().For("mvcc-member").Text("member"),
			app.Select().ID("mvcc-member").OnChange(func(ctx app.Context, e app.Event) {
				if n, err := strconv.ParseUint(inputValue(ctx), 10, 64); err == nil {
					p.mvcc.member = n
					p.mvccChanged()
					p.loadHistory(ctx) // the chosen key, on the new member
				}
			}).Body(opts...),
		),
	)
}

// timelineRow is one member's line on the revision timeline: the widths, in
// percent of the timeline, of its compacted prefix and of the revisions it
// still keeps.
type timelineRow struct {
	id              uint64
	name            string
	up              bool
	rev, compacted  int64
	compactPct, pct float64
}

// timelineRows lays the members' revisions out on one scale: the highest
// revision any member has is the full width.
func timelineRows(ms []engine.MemberView) []timelineRow {
	var top int64 = 1
	for _, m := range ms {
		top = max(top, m.Revision)
	}
	rows := make([]timelineRow, 0, len(ms))
	for _, m := range ms {
		r := timelineRow{id: m.ID, name: m.Name, up: m.Up(), rev: m.Revision, compacted: max(m.CompactRevision, 0)}
		r.pct = 100 * float64(max(r.rev, 0)) / float64(top)
		r.compactPct = 100 * float64(min(r.compacted, max(r.rev, 0))) / float64(top)
		rows = append(rows, r)
	}
	return rows
}

// renderRevisionTimeline shows each member's revision and compacted
// revision. The bars are drawn for the eye only; their text says the same.
func (p *playground) renderRevisionTimeline() app.UI {
	rows := timelineRows(p.view.members)
	return app.Section().Class("panel mvcc rev-timeline").Aria("labelledby", "mvcc-revs-h").Body(
		app.H2().ID("mvcc-revs-h").Text("MVCC: revisions"),
		app.Ul().Class("rev-rows").Aria("labelledby", "mvcc-revs-h").Body(
			app.Range(rows).Slice(func(i int) app.UI {
				r := rows[i]
				text := revisionText(r)
				return app.Li().Class("rev-row").
					DataSet("member", r.id).DataSet("revision", r.rev).DataSet("compact-revision", r.compacted).
					Body(
						app.Span().Class("rev-name").Text(r.name),
						app.Span().Class("rev-track").Aria("hidden", true).Body(
							app.Span().Class("rev-live").Style("width", pct(r.pct)).Body(
								app.Span().Class("rev-compacted").Style("width", pct(share(r.compactPct, r.pct))),
							),
						),
						app.Span().Class("rev-text").Text(text),
					)
			}),
		),
	)
}

// revisionText is a timeline row in words.
func revisionText(r timelineRow) string {
	if !r.up {
		return "down"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "revision %d", r.rev)
	if r.compacted > 0 {
		fmt.Fprintf(&b, ", compacted at %d", r.compacted)
	} else {
		b.WriteString(", nothing compacted")
	}
	return b.String()
}

// pct formats a CSS percentage.
func pct(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) + "%" }

// share is part as a percentage of whole (0 when whole is 0).
func share(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return min(100, 100*part/whole)
}

// showValue is a value as the panel shows it: as text (displayBytes),
// cut to n runes, with its length in bytes when cut.
func showValue(v []byte, n int) string {
	s := displayBytes(v)
	if t := truncate(s, n); t != s {
		return fmt.Sprintf("%s (%d bytes)", t, len(v))
	}
	return s
}

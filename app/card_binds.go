package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"
)

// A member card's values that follow the cluster's progress (indexes,
// revisions, hashes, timers, a leader's replication progress) change with
// nearly every refresh of a running cluster; the card's shape (its member,
// state, term, leader, whether it is down, stale or isolated, how many
// followers it lists) changes rarely. On the page (js builds,
// card_binds_js.go) go-app draws a card only when its shape changes, and
// between two such draws the refresh writes the changed values into the
// elements that show them, found by their data-bind attribute: go-app's
// render and diff of five cards cost the page more than writing their
// few changed values. Natively (tests) go-app draws every value
// (card_binds_other.go). Both take the values from cardBinds, so a card
// shows the same either way (TestCardBindsMatchRender).

// bind is one value a card shows: element el (its data-bind, unique in
// the card) shows value as its text (attr ""), as attribute attr, or as
// property attr[1:] when attr starts with ".".
type bind struct{ el, attr, value string }

// binds is a card's values, in a fixed order.
type binds []bind

// get returns the value of el's attr ("" if it has none).
func (bs binds) get(el, attr string) string {
	for _, b := range bs {
		if b.el == el && b.attr == attr {
			return b.value
		}
	}
	return ""
}

// cardShown returns what member m's store fields show: m's own values
// while it is up, else the last ones seen while it was up (stale, seen
// at tick knownAt), else nothing (unknown).
func (v liveView) cardShown(m engine.MemberView) (shown engine.MemberView, stale, unknown bool, knownAt string) {
	shown = m
	if m.Up() {
		return shown, false, false, ""
	}
	k, ok := v.known[m.ID]
	if !ok {
		return shown, false, true, ""
	}
	shown.Applied, shown.Revision, shown.CompactRevision = k.Applied, k.Revision, k.CompactRevision
	shown.Keys, shown.Hash, shown.HashRevision, shown.StoreBytes = k.Keys, k.Hash, k.HashRevision, k.StoreBytes
	return shown, true, false, itoa(k.At)
}

// cardBinds returns member m's values as its card shows them.
func (p *playground) cardBinds(m engine.MemberView) binds {
	shown, _, unknown, _ := p.view.cardShown(m)
	storeText := func(s string) string {
		if unknown {
			return "—"
		}
		return s
	}
	bs := binds{
		{"card", "data-revision", i64(shown.Revision)},
		{"card", "data-keys", strconv.Itoa(shown.Keys)},
		{"card", "data-hash", itoa(uint64(shown.Hash))},
		{"card", "data-hash-revision", i64(shown.HashRevision)},
		{"card", "data-compact-revision", i64(shown.CompactRevision)},
		{"card", "data-applied", itoa(shown.Applied)},
		{"card", "data-commit", itoa(m.Commit)},
		{"card", "data-last-index", itoa(m.LastIndex)},
		{"card", "data-snapshot-index", itoa(m.SnapshotIndex)},
		{"card", "data-compacted-index", itoa(m.CompactedIndex)},
		{"commit", "", itoa(m.Commit)},
		{"applied", "", storeText(itoa(shown.Applied))},
		{"revision", "", storeText(i64(shown.Revision))},
		{"compact-rev", "", storeText(i64(shown.CompactRevision))},
		{"keys", "", storeText(strconv.Itoa(shown.Keys))},
		{"hash", "", storeText(hashText(shown.Hash))},
		{"snapshot", "", itoa(m.SnapshotIndex)},
		{"log", "", itoa(m.CompactedIndex+1) + ".." + itoa(m.LastIndex)},
		{"store", "", storeText(humanBytes(shown.StoreBytes))},
	}
	bs = append(bs, p.timerBinds(m)...) // member_timers.go
	for i, line := range p.progressLines(m) {
		bs = append(bs, bind{"progress-" + itoa(uint64(i)), "", line})
	}
	return bs
}

// i64 formats n in decimal.
func i64(n int64) string { return strconv.FormatInt(n, 10) }

// progressLines is a leader's replication progress, a line per follower.
func (p *playground) progressLines(m engine.MemberView) []string {
	var lines []string
	for _, fp := range m.Progress {
		lines = append(lines, p.view.name(fp.ID)+": match "+itoa(fp.Match)+", next "+itoa(fp.Next)+", "+fp.State)
	}
	return lines
}

// cardsShapeKey summarises what the cards show apart from their binds:
// on the page go-app draws them again only when it changes.
func (p *playground) cardsShapeKey(b *strings.Builder) {
	v := p.view
	for _, m := range v.members {
		_, stale, unknown, knownAt := v.cardShown(m)
		fmt.Fprint(b, m.ID, m.Name, m.State, m.Term, m.Leader, v.name(m.Leader), stale, unknown, knownAt,
			v.isolated(m.ID), len(m.Progress), m.Up(), ";")
	}
	fmt.Fprint(b, len(v.members))
}

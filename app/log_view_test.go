package app

import (
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// A shown log view renders each member's window newest first, with the
// overwritten entry right after the live entry at its index, every hook,
// the marks and the compacted prefix, and user data as text.
func TestRenderLogView(t *testing.T) {
	p := populated()
	c := &logView{P: p, shown: true, pages: map[uint64]*engine.LogPageView{
		1: {Member: 1, Up: true, From: 5, First: 5, Last: 8, Commit: 7, Applied: 6, SnapshotIndex: 4,
			Entries: []engine.LogEntryView{
				{Index: 5, Term: 2, Kind: "put", Text: `put "a" = "<b>x</b>"`},
				{Index: 6, Term: 2, Kind: "empty"},
				{Index: 7, Term: 3, Kind: "empty"},
				{Index: 8, Term: 3, Kind: "delete"},
			},
			Overwritten: []engine.LogEntryView{{Index: 7, Term: 2, Kind: "put", Text: "lost", Tick: 40}},
		},
	}}
	c.sel = logSelection{member: 1, index: 5}
	html := app.HTMLString(c.Render())
	var order []string
	for _, row := range strings.Split(html, "<li ")[1:] {
		row = row[:strings.Index(row, ">")]
		order = append(order, attr(row, "data-index")+attr(row, "data-committed")[:1]+attr(row, "data-applied")[:1]+attr(row, "data-overwritten")[:1])
	}
	// index, then committed, applied, overwritten (t/f)
	if got := strings.Join(order, " "); got != "8fff 7tff 7fft 6ttf 5ttf" {
		t.Errorf("rows %q, want newest first with the overwritten 7 after the live 7", got)
	}
	for _, want := range []string{
		`data-action="hide-logs"`, `data-log-column="1"`, `data-first="5"`, `data-snapshot-index="4"`, `data-overwritten-at="40"`, `data-kind="delete"`, `data-term="3"`,
		`class="log-entry term-c3 term-p0 uncommitted"`, `class="log-entry term-c2 term-p2 overwritten"`,
		"entries 1–4: compacted into the snapshot at 4", "(commit mark)", "(applied mark)",
		`etcd-1, index 5, term 2, put: put &#34;a&#34; = &#34;&lt;b&gt;x&lt;/b&gt;&#34;`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the log view lacks %s", want)
		}
	}
	if strings.Contains(html, "<b>x</b>") {
		t.Error("user data rendered as markup")
	}
	if n := strings.Count(html, `tabindex="0"`); n != 1 {
		t.Errorf("%d tab stops in one column, want 1", n)
	}

	hidden := app.HTMLString((&logView{P: p}).Render())
	if strings.Contains(hidden, "data-log-member") || !strings.Contains(hidden, `data-action="show-logs"`) {
		t.Errorf("a hidden view: %.300s", hidden)
	}
}

// attr returns the value of attribute name in the opening tag's attributes
// (go-app writes a "true" value as a bare attribute), "" when absent.
func attr(tag, name string) string {
	for _, f := range strings.Fields(tag) {
		k, v, ok := strings.Cut(f, "=")
		if k != name {
			continue
		}
		if !ok {
			return "true"
		}
		return strings.Trim(v, `"`)
	}
	return ""
}

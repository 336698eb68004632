package app

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/mvcc"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"go.etcd.io/etcd/api/v3/mvccpb"
)

// mvccPopulated is the populated page with the MVCC panel showing a key's
// history (a tombstone, markup and binary values), a watch and a round of
// reads where the minority answered from an old revision.
func mvccPopulated() *playground {
	p := populated()
	p.view.members[0].Revision, p.view.members[0].CompactRevision = 9, 3
	p.view.members[1].Revision = 6
	p.mvcc.keyInput, p.mvcc.key, p.mvcc.keySet, p.mvcc.histKey = "<k>", "<k>", true, "<k>"
	p.mvcc.hist = &engine.KeyHistory{Member: 1, Revision: 9, Compacted: 3, More: true, Revisions: []mvcc.KeyRevision{
		{Revision: 9, Tombstone: true},
		{Revision: 8, CreateRevision: 5, Version: 2, Value: []byte("<script>alert(1)</script>")},
		{Revision: 5, CreateRevision: 5, Version: 1, Value: []byte("\x00\xff")},
	}}
	w := &panelWatch{id: 1, member: 2, label: "prefix <k>", running: true}
	w.deliver([]engine.WatchResponse{{Revision: 8, Events: []mvcc.Event{
		{Type: mvccpb.PUT, Kv: &mvcc.KeyValue{Key: []byte("<k>"), Value: []byte("<b>v</b>"), ModRevision: 8}},
		{Type: mvccpb.DELETE, Kv: &mvcc.KeyValue{Key: []byte("<k>"), ModRevision: 9}},
	}}})
	p.mvcc.watch.list = []*panelWatch{w}
	p.mvcc.reads = mvccReads{key: "<k>", seq: 1, rows: []memberRead{
		{member: 1, s: answerOf(&mvcc.RangeResponse{Header: mvcc.ResponseHeader{Revision: 9}}, nil), l: readAnswer{err: "etcdserver: request timed out"}},
		{member: 2, s: readAnswer{found: true, value: "old", mod: 5, rev: 6}, l: readAnswer{pending: true}},
	}}
	return p
}

// The panel renders its hooks (data-key, data-revision, data-watch,
// data-member), marks the tombstone and the stale read, and shows user
// data as text.
func TestRenderMVCCPanel(t *testing.T) {
	p := mvccPopulated()
	e := app.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	html := app.HTMLString(p)
	for _, want := range []string{
		`data-key="<k>"`, `data-revision="9"`, `data-revision="8"`, `data-revision="5"`,
		`deleted (tombstone)`, `older revisions not shown`, `compacted at 3`,
		`data-watch="1"`, `data-events="2"`, `data-action="watch-stop"`, `data-action="watch-start"`,
		`DELETE &lt;k&gt; @9`, `PUT &lt;k&gt; = &lt;b&gt;v&lt;/b&gt; @8`,
		`data-compact-revision="3"`,
		`data-action="read-all"`, `data-consistency="serializable"`, `3 revision(s) behind`,
		`etcdserver: request timed out`, `no such key, as of revision 9`, `&lt;script&gt;alert(1)&lt;/script&gt;`,
		`&#34;\x00\xff&#34;`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the MVCC panel lacks %s", want)
		}
	}
	// go-app writes a true boolean attribute bare (the browser's is "true"):
	// of the three rows, the tombstone is the one not "false".
	if all, no := strings.Count(html, "data-tombstone"), strings.Count(html, `data-tombstone="false"`); all != 3 || no != 2 {
		t.Errorf("%d rows carry data-tombstone, %d of them false: want 3 and 2", all, no)
	}
	if !regexp.MustCompile(`<td [^>]*data-stale[ >]`).MatchString(html) {
		t.Error("the stale read is not marked data-stale")
	}
	// Attribute values are set as attributes (setAttribute in the
	// browser); everywhere else user data must be escaped.
	text := regexp.MustCompile(`="[^"]*"`).ReplaceAllString(html, "")
	for _, bad := range []string{"<script>", "<b>v</b>", "<k>"} {
		if strings.Contains(text, bad) {
			t.Errorf("user data rendered as markup: %s", bad)
		}
	}
}

// Each MVCC panel's key follows what that panel shows and nothing else:
// the revisions panel the members' revisions, the key panel and the
// watches panel their own changes (a write re-renders neither).
func TestMVCCPanelKeys(t *testing.T) {
	p := mvccPopulated()
	kinds := []panelKind{panelRevisions, panelMVCC, panelWatches, panelLeases}
	keys := func() []string {
		var ks []string
		for _, k := range kinds {
			ks = append(ks, p.panelKey(k))
		}
		return ks
	}
	changed := func(before []string) (out []panelKind) {
		for i, k := range keys() {
			if k != before[i] {
				out = append(out, kinds[i])
			}
		}
		return out
	}
	for _, c := range []struct {
		what string
		do   func()
		want []panelKind
	}{
		{"a tick and a commit", func() { p.view.now++; p.view.members[0].Commit++ }, nil},
		{"a write", func() { p.view.members[1].Revision++ }, []panelKind{panelRevisions}},
		{"a compaction", func() { p.view.members[0].CompactRevision++ }, []panelKind{panelRevisions}},
		{"a history read", p.mvccChanged, []panelKind{panelMVCC}},
		{"a watch event", p.watchChanged, []panelKind{panelWatches}},
		{"a member down", func() { p.view.members[1].State = "down" }, []panelKind{panelRevisions, panelMVCC, panelWatches}},
	} {
		before := keys()
		c.do()
		if got := changed(before); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s changed the keys of panels %v, want %v", c.what, got, c.want)
		}
	}
}

func TestTimelineRows(t *testing.T) {
	rows := timelineRows([]engine.MemberView{
		{ID: 1, State: "leader", Revision: 200, CompactRevision: 50},
		{ID: 2, State: "follower", Revision: 100, CompactRevision: -1},
		{ID: 3, State: "down"},
	})
	if r := rows[0]; r.pct != 100 || r.compactPct != 25 || revisionText(r) != "revision 200, compacted at 50" {
		t.Errorf("leader row %+v %q", r, revisionText(r))
	}
	if r := rows[1]; r.pct != 50 || r.compactPct != 0 || r.compacted != 0 || revisionText(r) != "revision 100, nothing compacted" {
		t.Errorf("follower row %+v %q", r, revisionText(r))
	}
	if r := rows[2]; r.pct != 0 || revisionText(r) != "down" {
		t.Errorf("down row %+v %q", r, revisionText(r))
	}
	if got := share(25, 100); got != 25 {
		t.Errorf("share(25, 100) = %v", got)
	}
}

func TestShowValueSaysLengthWhenCut(t *testing.T) {
	if got := showValue([]byte("short"), 10); got != "short" {
		t.Errorf("short value: %q", got)
	}
	long := strings.Repeat("x", 100)
	if got := showValue([]byte(long), 10); got != "xxxxxxxxx… (100 bytes)" {
		t.Errorf("long value: %q", got)
	}
}

// A watch row keeps the last watchLastEvents events, newest first, and
// counts all; a compacted start says so.
func TestPanelWatchDeliver(t *testing.T) {
	w := &panelWatch{start: 2}
	for i := 1; i <= 8; i++ {
		w.deliver([]engine.WatchResponse{{Revision: int64(i), Events: []mvcc.Event{
			{Type: mvccpb.PUT, Kv: &mvcc.KeyValue{Key: []byte("k"), Value: []byte("v"), ModRevision: int64(i)}}}}})
	}
	if w.events != 8 || len(w.last) != watchLastEvents || w.last[0] != "PUT k = v @8" || w.lastRev != 8 {
		t.Fatalf("after 8 events: %d counted, last %q, rev %d", w.events, w.last, w.lastRev)
	}
	w.deliver([]engine.WatchResponse{{Canceled: true, CompactRevision: 5}})
	if !strings.Contains(w.last[0], "revision 2 is compacted") {
		t.Fatalf("compacted response: %q", w.last[0])
	}
}

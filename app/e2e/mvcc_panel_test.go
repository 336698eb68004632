//go:build browser

package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The MVCC panel (app/mvcc_panel.go), driven as a person would: a key put
// three times and deleted shows every revision in its history, newest
// first, the deletion as a tombstone; a watch from an old revision replays
// them and counts a new put, one from the next revision counts only the
// put; with a follower isolated, "read on every member" shows its
// serializable answer stale (the old value, from an older revision) beside
// its linearizable read failing with etcd's error.
func TestMVCCPanel(t *testing.T) {
	tb := newTab(t, 3*time.Minute)
	l := tb.waitLeader()
	const key = "mvcc/k"

	// The history, shown before the writes: it follows the member's
	// revision by itself.
	tb.choose("#mvcc-member", itoa(l.Member))
	tb.typeInto("#mvcc-key", key)
	tb.clickAction("mvcc-history", 0)
	tb.waitJS(`(() => { const e = document.querySelector('.history-status'); return e !== null && e.dataset.status === "ok"; })()`,
		"the history of a key never written to be read")

	var puts []int64
	for _, v := range []string{"v1", "v2", "v3"} {
		puts = append(puts, tb.writeRevision("put", l.Member, key, v))
	}
	del := tb.writeRevision("delete", l.Member, key, "")
	want := []int64{del, puts[2], puts[1], puts[0]}
	tb.waitJS(fmt.Sprintf(`[...document.querySelectorAll('.hist-row')].map(r => r.dataset.revision).join(",") === %q`, join(want)),
		fmt.Sprintf("the history rows to show revisions %v", want))
	var rows []struct {
		Key       string   `json:"key"`
		Tombstone string   `json:"tombstone"`
		Cells     []string `json:"cells"`
	}
	tb.eval(`[...document.querySelectorAll('.hist-row')].map(r => ({key: r.dataset.key, tombstone: r.dataset.tombstone,
		cells: [...r.querySelectorAll('td')].map(td => td.textContent)}))`, &rows)
	if rows[0].Tombstone != "true" || !strings.Contains(rows[0].Cells[4], "deleted") {
		t.Errorf("the newest row is not the deletion: %+v", rows[0])
	}
	for i, v := range []string{"v3", "v2", "v1"} {
		r := rows[i+1]
		if r.Key != key || r.Tombstone != "false" || r.Cells[4] != v || r.Cells[3] != strconv.Itoa(3-i) || r.Cells[1] != strconv.FormatInt(puts[0], 10) {
			t.Errorf("row %d: %+v, want value %s, version %d, create revision %d", i+1, r, v, 3-i, puts[0])
		}
	}
	t.Logf("history of %s: revisions %v, the deletion at %d", key, want, del)

	// Watch 1 from the first put's revision (history replayed), watch 2
	// from the next revision.
	tb.typeInto("#watch-key", key)
	tb.typeInto("#watch-rev", strconv.FormatInt(puts[0], 10))
	tb.clickAction("watch-start", 0)
	tb.waitJS(`document.querySelector('.watch-row[data-watch="1"][data-running="true"][data-events="4"]') !== null`,
		"watch 1 to replay the three puts and the deletion")
	tb.typeInto("#watch-rev", "")
	tb.clickAction("watch-start", 0)
	tb.waitJS(`document.querySelector('.watch-row[data-watch="2"][data-running="true"]') !== null`, "watch 2 to run")
	p4 := tb.writeRevision("put", l.Member, key, "v4")
	tb.waitJS(`document.querySelector('.watch-row[data-watch="1"]').dataset.events === "5" && document.querySelector('.watch-row[data-watch="2"]').dataset.events === "1"`,
		"both watches to count the new put")
	// Caught up, each watcher is synced in its member's store.
	tb.waitJS(`[...document.querySelectorAll('.watch-row[data-running="true"]')].every(r => r.dataset.state === "synced")`,
		"both watches to show their watcher synced")
	var last string
	tb.eval(`document.querySelector('.watch-row[data-watch="2"] td.value').textContent`, &last)
	if want := fmt.Sprintf("PUT %s = v4 @%d", key, p4); last != want {
		t.Errorf("watch 2's last event %q, want %q", last, want)
	}
	tb.click(`[data-action="watch-stop"][data-watch="2"]`)
	tb.waitJS(`document.querySelector('.watch-row[data-watch="2"][data-running="false"]') !== null && document.querySelector('.watch-row[data-watch="2"] .watch-state').textContent.startsWith("stopped")`,
		"watch 2 to stop")

	// Stale reads: isolate a follower, write on the majority.
	victim := l.Member%5 + 1
	tb.waitCard(victim, fmt.Sprintf(`+c.revision >= %d`, p4))
	tb.clickAction("isolate", victim)
	tb.waitJS(`document.querySelectorAll('.link.cut').length === 8`, "the follower's 8 links to show as cut")
	p5 := tb.writeRevision("put", l.Member, key, "v5")
	tb.waitJS(fmt.Sprintf(`[...document.querySelectorAll('.card[data-member]')].every(c => c.dataset.member === %q || +c.dataset.revision >= %d)`, itoa(victim), p5),
		"the majority to apply the put")
	tb.clickAction("read-all", 0)
	tb.waitJS(`(() => { const cs = [...document.querySelectorAll('.read-row td.read')]; return cs.length === 10 && cs.every(c => c.dataset.status !== "pending"); })()`,
		"every member's two reads to answer")
	type cell struct {
		Status, Value, Stale, Revision, Text string
	}
	read := func(member uint64, consistency string) cell {
		var c cell
		tb.eval(fmt.Sprintf(`(() => { const e = document.querySelector('.read-row[data-member="%d"] td[data-consistency=%q]');
			return {Status: e.dataset.status, Value: e.dataset.value || "", Stale: e.dataset.stale || "", Revision: e.dataset.revision || "", Text: e.textContent}; })()`, member, consistency), &c)
		return c
	}
	s, lin := read(victim, "serializable"), read(victim, "linearizable")
	t.Logf("isolated member %d: serializable %q; linearizable %q", victim, s.Text, lin.Text)
	if s.Status != "ok" || s.Value != "v4" || s.Stale != "true" || s.Revision != strconv.FormatInt(p4, 10) {
		t.Errorf("the isolated member's serializable read: %+v, want v4 from revision %d, marked stale", s, p4)
	}
	if lin.Status != "error" || !strings.Contains(lin.Text, "etcdserver: ") {
		t.Errorf("the isolated member's linearizable read: %+v, want etcd's error", lin)
	}
	for _, m := range []uint64{l.Member, victim%5 + 1} {
		if m == victim {
			continue
		}
		for _, c := range []string{"serializable", "linearizable"} {
			if r := read(m, c); r.Status != "ok" || r.Value != "v5" || r.Stale != "false" {
				t.Errorf("member %d's %s read: %+v, want v5", m, c, r)
			}
		}
	}
}

var revisionRE = regexp.MustCompile(`at revision (\d+)`)

// writeRevision runs a key-panel write and returns the revision it
// answered at.
func (tb *tab) writeRevision(op string, member uint64, key, value string) int64 {
	tb.t.Helper()
	r := tb.write(op, member, key, value, false)
	m := revisionRE.FindStringSubmatch(r.Text)
	if r.Status != "ok" || m == nil {
		tb.t.Fatalf("%s %s via member %d: %+v", op, key, member, r)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

func join(ns []int64) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(s, ",")
}

var grantedRE = regexp.MustCompile(`lease ([0-9a-f]{16}) granted with TTL\(\d+s\)`)

// The leases panel: a lease granted in the console with a key attached is
// listed with its key and a TTL counting down in ticks; when it expires the
// leader revokes it through raft, the list is read again by itself and the
// key's history ends with the deletion.
func TestMVCCLeases(t *testing.T) {
	tb := newTab(t, 2*time.Minute)
	l := tb.waitLeader()
	tb.choose("#client-member", itoa(l.Member))
	tb.choose("#mvcc-member", itoa(l.Member))
	status, out := tb.consoleRun("lease grant 20")
	m := grantedRE.FindStringSubmatch(out)
	if status != "ok" || m == nil {
		t.Fatalf("lease grant 20: %s %q", status, out)
	}
	id := m[1]
	if status, out := tb.consoleRun("put mvcc/leased v --lease=" + id); status != "ok" {
		t.Fatalf("put with the lease: %s %q", status, out)
	}
	tb.clickAction("lease-list", 0)
	row := fmt.Sprintf(`document.querySelector('.lease-row[data-lease="%s"]')`, id)
	tb.waitJS(row+` !== null && `+row+`.dataset.keys === "1"`, "the lease to be listed with its key")
	var first int
	tb.eval(`+`+row+`.dataset.ticksLeft`, &first)
	if first <= 0 || first > 200 {
		t.Fatalf("the lease shows %d ticks left, want 1..200", first)
	}
	tb.waitJS(fmt.Sprintf(`(() => { const e = %s; return e === null || +e.dataset.ticksLeft < %d; })()`, row, first), "the countdown to move")
	var keys string
	tb.eval(`(() => { const e = `+row+`; return e ? e.querySelector('td.value').textContent : "mvcc/leased"; })()`, &keys)
	if keys != "mvcc/leased" {
		t.Errorf("the lease's keys read %q", keys)
	}
	tb.waitJS(row+` === null && document.querySelector('.lease-status').textContent.includes("no lease")`,
		"the expired lease to be gone from the list, read again by itself")
	tb.typeInto("#mvcc-key", "mvcc/leased")
	tb.clickAction("mvcc-history", 0)
	tb.waitJS(`(() => { const r = [...document.querySelectorAll('.hist-row')]; return r.length === 2 && r[0].dataset.tombstone === "true"; })()`,
		"the key's history to end with the revoke's deletion")
	t.Logf("lease %s: %d ticks left when listed; revoked and its key deleted", id, first)
}

//go:build browser

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// A full disk under stress, then room again, without a reload: the
// origin's quota is the site's files plus 2 MiB and a stress run of 4 KiB
// values over 10,000 keys fills it. The page reports the full disk member
// by member and says what to do; the tick clock keeps running; each
// member down on the full disk answers a serializable read. Once the quota
// is raised again, Restart all brings the members back from what they
// stored: a leader, a put acknowledged, no disk error left, and every
// write acknowledged before the disk filled is there. Each state's delay
// is logged.
func TestStorageFullDiskRecoversWithoutReload(t *testing.T) {
	quota := siteBytes(t) + 2<<20
	tb := quotaTab(t, quota, 4*time.Minute)
	tb.waitStorage(`s.storage === "indexeddb"`, "the cluster on IndexedDB")
	tb.waitLeader()
	acked := tb.putAcked(5)
	for sel, v := range map[string]string{"#stress-size": "4096", "#stress-keys": "10000", "#stress-count": "20000", "#stress-rate": "100"} {
		tb.typeInto(sel, v)
		tb.run(chromedp.KeyEvent("\t"))
	}
	t0 := time.Now()
	tb.clickAction("stress", 0)
	full := `document.querySelector('.disk-error[data-kind="quota"]') !== null`
	tb.waitJS(full, "the page to report a full disk")
	tFull := time.Since(t0)
	var msgs []string
	tb.eval(`[...document.querySelectorAll('.disk-error')].map(e => e.dataset.member + ' ' + e.dataset.kind + ': ' + e.textContent)`, &msgs)
	t.Logf("full disk reported %v after the stress run started: %q", tFull.Round(time.Millisecond), msgs)
	for _, m := range msgs {
		if strings.Contains(m, " quota: ") && (!strings.Contains(m, "Restart it") || !strings.Contains(m, "serializable reads")) {
			t.Errorf("the quota message does not say how to go on once there is room: %q", m)
		}
	}

	// The clock keeps ticking while the disk is full.
	var now int
	tb.eval(`+document.querySelector('.clock').dataset.now`, &now)
	d := tb.within(20*time.Second, fmt.Sprintf(`+document.querySelector('.clock').dataset.now >= %d`, now+20), "the tick clock to go on while the disk is full")
	t.Logf("the clock went on: 20 ticks in %v", d.Round(time.Millisecond))

	// Reads that need no storage: every member down on the full disk
	// answers a serializable get from what it applied.
	tb.clickAction("stress-stop", 0)
	var states []string
	tb.eval(`[...document.querySelectorAll('.card[data-member]')].map(c => c.dataset.member + ':' + c.dataset.state)`, &states)
	var fullIDs []string
	tb.eval(`[...document.querySelectorAll('.disk-error[data-kind="quota"]')].map(e => e.dataset.member)`, &fullIDs)
	t.Logf("cards with the disk full: %v; members reporting it: %v", states, fullIDs)
	served := 0
	for _, id := range fullIDs {
		t2 := time.Now()
		status, out := tb.consoleRun("get ack/000 --consistency=s --endpoints " + id)
		t.Logf("serializable get on member %s: %s in %v %.200q", id, status, time.Since(t2).Round(time.Millisecond), out)
		if status != "ok" || !strings.Contains(out, "v0") {
			t.Errorf("member %s, down on the full disk, did not answer a serializable get: %s %q", id, status, out)
			continue
		}
		served++
	}

	// Room again, no reload: restart every member.
	tb.run(chromedp.ActionFunc(func(ctx context.Context) error { return storage.OverrideQuotaForOrigin(siteOrigin(t)).Do(ctx) }))
	r := tb.restartAllRecovers(acked, "after/room")
	t.Logf("room again: Restart all -> a leader in %v, a put acknowledged in %v, no disk error; %d serializable gets served while full",
		r.leader.Round(time.Millisecond), r.put.Round(time.Millisecond), served)
}

//go:build browser

package e2e

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// quotaTab opens the site in a fresh tab of a fresh browser context whose
// storage quota for the site's origin is quota bytes, and waits for the
// page to mount.
//
// The quota must be set (DevTools' Storage.overrideQuotaForOrigin) before
// the origin first uses storage: Chromium 156 registers an override made
// later (Storage.getUsageAndQuota reports it) but IndexedDB keeps the quota
// it read when the origin's storage opened, and navigator.storage.estimate()
// never reports the override.
func quotaTab(t *testing.T, quota float64, timeout time.Duration) *tab {
	t.Helper()
	tb := blankTab(t, timeout)
	tb.run(chromedp.ActionFunc(func(ctx context.Context) error {
		return storage.OverrideQuotaForOrigin(siteOrigin(t)).WithQuotaSize(quota).Do(ctx)
	}))
	tb.open()
	return tb
}

// siteOrigin is the origin siteURL is served from.
func siteOrigin(t *testing.T) string {
	u, err := url.Parse(siteURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Scheme + "://" + u.Host
}

// quotaEstimate is navigator.storage.estimate() (bytes).
type quotaEstimate struct {
	Usage float64 `json:"usage"`
	Quota float64 `json:"quota"`
}

func (tb *tab) estimate() quotaEstimate {
	tb.t.Helper()
	var e quotaEstimate
	tb.evalAsync(`navigator.storage.estimate()`, &e)
	return e
}

// siteBytes is the size of the built site's files (the service worker
// caches them all).
func siteBytes(t *testing.T) float64 {
	t.Helper()
	dir := buildDir()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return float64(n)
}

// The origin's quota is the site's files (the service worker's cache)
// plus 2 MiB; a stress run of 4 KiB values over 10,000 keys (100 per tick)
// fills it: IndexedDB refuses a write with QuotaExceededError. The page says
// so in clear words, member by member; the members stop without damaging
// what they stored: after a reload every member loads (none is corrupt) and
// every write acknowledged before the disk filled is there.
func TestStorageQuotaExceeded(t *testing.T) {
	quota := siteBytes(t) + 2<<20
	tb := quotaTab(t, quota, 3*time.Minute)
	tb.waitStorage(`s.storage === "indexeddb"`, "the cluster on IndexedDB")
	tb.waitLeader()

	var acked []string
	put := func(i int) bool {
		k := fmt.Sprintf("ack/%03d", i)
		status, _ := tb.consoleRun(fmt.Sprintf("put %s v%d", k, i))
		if status == "ok" {
			acked = append(acked, k)
		}
		return status == "ok"
	}
	for i := 0; i < 5; i++ {
		if !put(i) {
			t.Fatalf("put ack/%03d failed before the stress run", i)
		}
	}
	t.Logf("quota %.0f bytes; navigator.storage.estimate() = %+v (it does not report the override)", quota, tb.estimate())

	// The largest live data the stress panel makes (10,000 keys of 4 KiB):
	// with the page's auto-compaction a small key space would keep the
	// stored data (and the origin's usage) flat.
	tb.typeInto("#stress-size", "4096")
	tb.run(chromedp.KeyEvent("\t"))
	tb.typeInto("#stress-keys", "10000")
	tb.run(chromedp.KeyEvent("\t"))
	tb.typeInto("#stress-count", "20000")
	tb.run(chromedp.KeyEvent("\t"))
	tb.typeInto("#stress-rate", "100")
	tb.run(chromedp.KeyEvent("\t"))
	tb.clickAction("stress", 0)
	full := `document.querySelector('.disk-error[data-kind="quota"]') !== null`
	for i := 5; ; i++ {
		var isFull bool
		tb.eval(full, &isFull)
		if isFull || i == 500 {
			break
		}
		put(i)
	}
	tb.waitJS(full, "the page to report a full disk")
	var msgs []string
	tb.eval(`[...document.querySelectorAll('.disk-error')].map(e => e.dataset.member + ' ' + e.dataset.kind + ': ' + e.textContent)`, &msgs)
	for _, m := range msgs {
		if strings.Contains(m, " quota: ") && (!strings.Contains(m, "storage is full") || !strings.Contains(m, "Nothing it stored is damaged")) {
			t.Errorf("quota message %q does not say the storage is full and nothing is damaged", m)
		}
		if strings.Contains(m, " corrupt: ") {
			t.Errorf("a member reports corruption after the disk filled: %q", m)
		}
	}
	t.Logf("after %d acknowledged puts: %d disk errors, e.g. %.200q", len(acked), len(msgs), msgs[0])
	tb.clickAction("pause", 0)

	// Room again (the browser's own quota), then a reload: every member
	// loads what it stored.
	tb.run(chromedp.ActionFunc(func(ctx context.Context) error { return storage.OverrideQuotaForOrigin(siteOrigin(t)).Do(ctx) }))
	tb.reload()
	tb.waitStorage(`s.storage === "indexeddb" && s.resumed === "true"`, "the stored cluster to resume")
	l := tb.waitLeader()
	var disk []string
	tb.eval(`[...document.querySelectorAll('.disk-error')].map(e => e.textContent)`, &disk)
	if len(disk) != 0 {
		t.Fatalf("after the reload members still report disk errors: %q", disk)
	}
	tb.converged(1, "every member to load and converge")
	status, out := tb.consoleRun(fmt.Sprintf("get ack/ --prefix --keys-only --endpoints %d", l.Member))
	if status != "ok" {
		t.Fatalf("get after the reload: %s", out)
	}
	for _, k := range acked {
		if !strings.Contains(out, k) {
			t.Errorf("acknowledged key %s missing after the disk filled and the page reloaded", k)
		}
	}
	t.Logf("%d acknowledged keys all present after the reload", len(acked))
}

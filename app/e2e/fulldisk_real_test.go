//go:build browser

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A real full disk: a browser of its own whose profile lives on the small
// file system ETCDPLAY_SMALL_DISK names (make test-browser-full-disk mounts
// an 80 MiB tmpfs; the test is skipped without it), in its default context
// (the tests' other contexts keep their storage in memory). Once the page
// is loaded (the service worker has cached the site), a filler file leaves
// ~3 MiB free and a stress run of 4 KiB values over 10,000 keys fills the
// rest. The page reports the full disk; each member down on it answers a
// serializable get; the tick clock goes on. Once the filler is deleted,
// Restart all brings the cluster back without a reload: a leader, an
// acknowledged put, no disk error, the writes acknowledged before there.
// Each state's delay is logged.
func TestStorageRealFullDisk(t *testing.T) {
	dir := os.Getenv("ETCDPLAY_SMALL_DISK")
	if dir == "" {
		t.Skip("needs a small file system for the browser's profile: make test-browser-full-disk")
	}
	profile, err := os.MkdirTemp(dir, "profile-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(profile) })
	exe, err := chromiumPath()
	if err != nil {
		t.Fatal(err)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(exe, profile)...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(cancelTimeout)
	tb := &tab{t: t, ctx: ctx}
	tb.open()
	tb.waitStorage(`s.storage === "indexeddb"`, "the cluster on IndexedDB")
	tb.waitLeader()
	acked := tb.putAcked(5)

	filler := filepath.Join(dir, "filler")
	fill(t, filler, dir, 3<<20)
	t.Cleanup(func() { os.Remove(filler) })
	for sel, v := range map[string]string{"#stress-size": "4096", "#stress-keys": "10000", "#stress-count": "20000", "#stress-rate": "100"} {
		tb.typeInto(sel, v)
		tb.run(chromedp.KeyEvent("\t"))
	}
	t0 := time.Now()
	tb.clickAction("stress", 0)
	d := tb.within(2*time.Minute, `document.querySelector('.disk-error') !== null`, "the page to report the full disk")
	var msgs []string
	tb.eval(`[...document.querySelectorAll('.disk-error')].map(e => e.dataset.member + ' ' + e.dataset.kind + ': ' + e.textContent)`, &msgs)
	t.Logf("first disk error %v after the stress run started (%d bytes free): %q", d.Round(time.Millisecond), free(t, dir), msgs)
	var now int
	tb.eval(`+document.querySelector('.clock').dataset.now`, &now)
	dc := tb.within(30*time.Second, fmt.Sprintf(`+document.querySelector('.clock').dataset.now >= %d`, now+20), "the tick clock to go on")
	t.Logf("the clock went on: 20 ticks in %v", dc.Round(time.Millisecond))
	tb.within(90*time.Second, `document.querySelector('.stress-result').dataset.running === "false" || document.querySelectorAll('.card[data-state="down"]').length === document.querySelectorAll('.card[data-member]').length`,
		"the stress run to end or every member to be down")
	if running := func() (r bool) {
		tb.eval(`document.querySelector('.stress-result').dataset.running === "true"`, &r)
		return
	}(); running {
		tb.clickAction("stress-stop", 0)
	}
	tb.eval(`[...document.querySelectorAll('.disk-error')].map(e => e.dataset.member + ' ' + e.dataset.kind + ': ' + e.textContent)`, &msgs)
	var states []string
	tb.eval(`[...document.querySelectorAll('.card[data-member]')].map(c => c.dataset.member + ':' + c.dataset.state)`, &states)
	t.Logf("%v after the stress run started: cards %v, disk errors %q", time.Since(t0).Round(time.Millisecond), states, msgs)
	for _, m := range msgs {
		if !strings.Contains(m, " quota: ") && !strings.Contains(m, "did not answer") {
			t.Errorf("disk error %q says neither that the storage is full nor that it did not answer", m)
		}
	}
	var full []string
	tb.eval(`[...document.querySelectorAll('.disk-error[data-kind="quota"]')].map(e => e.dataset.member)`, &full)
	if len(full) != len(msgs) {
		t.Errorf("%d of %d disk errors say the storage is full: %q", len(full), len(msgs), msgs)
	}
	for _, id := range full {
		status, out := tb.consoleRun("get ack/000 --consistency=s --endpoints " + id)
		t.Logf("serializable get on member %s, down on the full disk: %s %.120q", id, status, out)
		if status != "ok" {
			t.Errorf("member %s, down on the full disk, did not answer a serializable get: %q", id, out)
		}
	}

	os.Remove(filler)
	r := tb.restartAllRecovers(acked, "after/room")
	t.Logf("room again: Restart all -> a leader and an acknowledged put in %v, no disk error, no reload", r.put.Round(time.Millisecond))
}

// free is the bytes free on the file system holding dir.
func free(t *testing.T, dir string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * st.Bsize
}

// fill writes path until the file system holding dir has about left bytes
// free.
func fill(t *testing.T, path, dir string, left int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := free(t, dir) - left
	if n <= 0 {
		return
	}
	chunk := make([]byte, 1<<20)
	for n > 0 {
		w := min(n, int64(len(chunk)))
		if _, err := f.Write(chunk[:w]); err != nil {
			t.Fatalf("filling the disk: %v", err)
		}
		n -= w
	}
	t.Logf("filler: %d bytes free left", free(t, dir))
}

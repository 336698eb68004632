//go:build browser

package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A docs page open in two tabs (the README's example page, embedding the
// same playground with the same parameters, so the same stored cluster:
// the tabs share the site's IndexedDB and its tab lock) runs a playground
// in each: both frames post ready and a leader, both obey a put, and the
// frame that found the stored cluster taken says in its bar that it runs
// a separate cluster in memory, instead of "no live members, tick 0" with
// no word. Twice: the second tab opened once the first runs, and both
// tabs loading at once.
func TestEmbedDocsPageInTwoTabs(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("..", "..", "web", "embed-example.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, together := range []bool{false, true} {
		name := "one-after-the-other"
		if together {
			name = "at-once"
		}
		t.Run(name, func(t *testing.T) {
			docs, site := docsSite(t, func(string) string { return string(example) })
			page := docs + "?" + url.Values{"playground": {site}, "members": {"3"}}.Encode()
			a := blankTab(t, 2*time.Minute)
			a.run(chromedp.Navigate("about:blank")) // attaches the tab, which sibling reads
			b := a.sibling(2 * time.Minute)         // same browser context: shares the site's storage
			tabs := []docsPage{{tab: a, navigated: time.Now()}, {tab: b}}
			a.run(chromedp.Navigate(page))
			if !together {
				tabs[0].waitEvent(`m.type === "ready"`, "the first tab's ready event")
			}
			tabs[1].navigated = time.Now()
			b.run(chromedp.Navigate(page))
			var notes []string
			for i, d := range tabs {
				d.waitEvent(`m.type === "ready"`, "a ready event in each tab")
				d.waitEvent(`m.type === "leader" && m.leader !== 0`, "a leader event in each tab")
				r := d.result(d.send(`{cmd: "put", key: "tab", value: "` + string(rune('a'+i)) + `"}`))
				if r.OK == nil || !*r.OK {
					t.Errorf("tab %d: the put was not obeyed: %+v", i, r)
				}
				var note string
				d.eval(`(() => { const n = document.getElementById('playground').contentDocument.querySelector('[data-embed-storage]');
					return n ? n.dataset.embedStorage + ': ' + n.textContent : ''; })()`, &note)
				var tick string
				d.eval(`document.getElementById('playground').contentDocument.body.innerText`, &tick)
				if strings.Contains(tick, "no live members") {
					t.Errorf("tab %d shows no live members: %.300q", i, tick)
				}
				notes = append(notes, note)
				t.Logf("tab %d: ready and a leader %v after its navigation; storage line %q", i, time.Since(d.navigated).Round(time.Millisecond), note)
			}
			// The line names where the stored cluster is: here another tab, on
			// a page with two frames another frame (TestEmbedTwiceOnOnePage).
			if (notes[0] == "") == (notes[1] == "") || !strings.HasPrefix(notes[0]+notes[1], "memory: ") ||
				!strings.Contains(notes[0]+notes[1], "open in another tab or frame") {
				t.Errorf("storage lines of the two tabs: %q; want one to say it runs in memory, the stored cluster being open in another tab or frame", notes)
			}
		})
	}
}

//go:build browser

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// loaderProbe records, from the first moment of every document, each text
// the wasm loader's label shows and whether the loader was visible then.
const loaderProbe = `(() => {
	window.__loader = [];
	const seen = () => {
		const label = document.getElementById('app-wasm-loader-label');
		const box = document.getElementById('app-wasm-loader');
		if (!label || !box) return;
		const r = box.getBoundingClientRect();
		const rec = {text: label.textContent, visible: r.width > 0 && r.height > 0 && getComputedStyle(box).visibility !== 'hidden'};
		const last = window.__loader[window.__loader.length - 1];
		if (!last || last.text !== rec.text) window.__loader.push(rec);
	};
	new MutationObserver(seen).observe(document, {subtree: true, childList: true, characterData: true});
})()`

// While the wasm downloads (throttled to 4 MB/s so that it takes seconds),
// the page shows the loader, visible, with the local icon and a percentage
// that climbs from 0 through intermediate values; then the page mounts and
// the loader is gone.
func TestLoadingShowsProgress(t *testing.T) {
	dir := buildDir()
	s := startSiteServer(t, dir) // another origin: nothing cached for it
	tb := newTab(t, 2*time.Minute)
	tb.run(
		network.Enable(),
		network.EmulateNetworkConditions(false, 0, 4<<20, 4<<20),
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(loaderProbe).Do(ctx)
			return err
		}),
	)
	tb.goTo(s.URL)
	var recs []struct {
		Text    string
		Visible bool
	}
	tb.eval(`window.__loader`, &recs)
	var pcts []int
	for _, r := range recs {
		var p int
		if _, err := fmt.Sscanf(r.Text, "Loading etcd-play… %d%%", &p); err != nil {
			continue
		}
		if !r.Visible {
			t.Errorf("the loader showed %q while hidden", r.Text)
		}
		pcts = append(pcts, p)
	}
	mid := 0
	for i, p := range pcts {
		if i > 0 && p < pcts[i-1] {
			t.Errorf("progress went back: %v", pcts)
			break
		}
		if p > 0 && p < 100 {
			mid++
		}
	}
	if n := len(pcts); n == 0 || pcts[n-1] != 100 || pcts[n-1] < pcts[0] {
		t.Errorf("progress %v does not end at 100%%", pcts)
	}
	for _, p := range pcts {
		if p > 100 {
			t.Errorf("progress passed 100%%: %v (the loader's size is not the wasm's)", pcts)
			break
		}
	}
	if mid < 3 {
		t.Errorf("the loader showed %d intermediate percentages (%v), want a climbing progress", mid, pcts)
	}
	var icon string
	tb.eval(`(() => { const e = document.getElementById('app-wasm-loader'); return e ? "still there" : ""; })()`, &icon)
	if icon != "" {
		t.Error("the loader is still shown after the page mounted")
	}
	t.Logf("loader percentages seen: %v", pcts)
}

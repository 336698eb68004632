//go:build browser

package e2e

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The static site loads under its sub-path, the wasm takes over the
// pre-rendered page, the version the site was built with is shown, no
// request leaves the site, and every control is a labelled, focusable
// element.
func TestPageLoads(t *testing.T) {
	tb := newTab(t, time.Minute)
	var mu sync.Mutex
	var requests []string
	chromedp.ListenTarget(tb.ctx, func(ev any) {
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, ev.Request.URL)
			mu.Unlock()
		}
	})
	tb.run(network.Enable(), chromedp.Reload())
	tb.waitJS(`document.querySelector('.playground[data-ready="true"]') !== null`, "the wasm to mount the reloaded page")
	tb.waitLeader()

	var shown, built string
	tb.eval(`document.querySelector('[data-version]').textContent`, &shown)
	tb.eval(`goappGetenv("GOAPP_VERSION")`, &built)
	if built == "" || !strings.HasSuffix(shown, built) {
		t.Errorf("the page shows %q; the site was built as version %q", shown, built)
	}

	mu.Lock()
	if len(requests) == 0 {
		t.Error("no request was seen: the network listener is not working")
	}
	origin := strings.SplitN(strings.TrimPrefix(siteURL, "http://"), "/", 2)[0]
	for _, u := range requests {
		if !strings.HasPrefix(u, "http://"+origin+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("a request left the site: %s", u)
		}
	}
	mu.Unlock()

	// Every input and select has a label; every button and link control
	// has a name; everything interactive is reachable with Tab (the cluster
	// view's links are one tab stop, the arrow keys move between them: a
	// roving tabindex, see TestLinksAreOneTabStop).
	var problems []string
	tb.eval(`(() => {
		const out = [];
		for (const e of document.querySelectorAll('.playground input, .playground select')) {
			if (e.labels.length === 0 && !e.getAttribute('aria-label')) out.push('unlabelled ' + e.outerHTML.slice(0, 80));
		}
		for (const e of document.querySelectorAll('.playground button, .playground [role=button]')) {
			const name = (e.getAttribute('aria-label') || e.textContent || '').trim();
			if (!name) out.push('nameless ' + e.outerHTML.slice(0, 80));
			if (e.tabIndex < 0 && !e.matches('.view .link')) out.push('not focusable ' + e.outerHTML.slice(0, 80));
		}
		const links = [...document.querySelectorAll('.view .link')];
		if (links.length > 0 && links.filter(e => e.tabIndex >= 0).length !== 1) out.push('the view\'s links are not one tab stop');
		return out;
	})()`, &problems)
	for _, p := range problems {
		t.Error(p)
	}
}

//go:build browser

package e2e

import (
	"context"
	"os/exec"
	"strings"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// diagnose logs what the tab shows when an action or a wait failed (the
// harness calls it before failing the test), so that a failure on a loaded
// machine says whether the page hung, was starved, or waited for something
// that never came: how long the page took to answer a trivial evaluation,
// whether an animation frame came within 2 s, the page's hooks (ready,
// engine, notice, storage notices, a lost engine, the loader), and the
// processes using the most CPU.
// It attaches to the tab anew, without the test's deadline, for at most
// ~20 s.
func (tb *tab) diagnose() {
	if tb.raw == nil {
		return
	}
	t := tb.t
	// A chromedp context stops serving its target once a Run on it ran out
	// of time: attach anew, under raw (the test's cleanup closes the tab).
	ctx, _ := chromedp.NewContext(tb.raw, chromedp.WithTargetID(tb.tid))
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	start := time.Now()
	var one int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`1`, &one)); err != nil {
		t.Logf("diagnose: the page did not answer an evaluation in %v (%v): its main thread is busy or hung", time.Since(start).Round(time.Millisecond), err)
	} else {
		t.Logf("diagnose: the page answered an evaluation in %v", time.Since(start).Round(time.Millisecond))
		var snap string
		if err := chromedp.Run(ctx, chromedp.Evaluate(`new Promise(done => {
			const t0 = performance.now();
			const pg = document.querySelector('.playground');
			const n = document.querySelector('[data-notice]');
			const s = {
				url: location.href.slice(0, 120),
				readyState: document.readyState,
				visibility: document.visibilityState,
				ready: pg ? pg.dataset.ready : null,
				engine: pg ? pg.dataset.engine : null,
				paused: document.querySelector('[data-action="play"]') !== null,
				cards: [...document.querySelectorAll('.card[data-member]')].map(c => c.dataset.member + ':' + c.dataset.state).join(' '),
				notice: n ? (n.dataset.notice || '').slice(0, 200) : null,
				storage: [...document.querySelectorAll('.storage')].map(e => JSON.stringify({...e.dataset}) + ' ' + e.textContent.slice(0, 160)).join(' | '),
				engineLost: (document.querySelector('.engine-lost') || {textContent: null}).textContent,
				loader: (document.getElementById('app-wasm-loader-label') || {textContent: null}).textContent,
				msgs: document.querySelectorAll('.msg').length,
				elements: document.getElementsByTagName('*').length,
				heapMB: performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1048576) : null,
				waitErr: window.__etcdplayWaitErr || null, // waitJS's last TypeError
			};
			let fired = false;
			requestAnimationFrame(() => { fired = true; s.frameMs = Math.round(performance.now() - t0); done(JSON.stringify(s)); });
			setTimeout(() => { if (!fired) { s.frameMs = 'none in 2 s'; done(JSON.stringify(s)); } }, 2000);
		})`, &snap, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })); err != nil {
			t.Logf("diagnose: the page's state: %v", err)
		} else {
			t.Logf("diagnose: the page's state: %s", snap)
			if strings.Contains(snap, "none in 2 s") {
				// No frames: does bringing the tab to the front restart them?
				var after string
				err := chromedp.Run(ctx, page.BringToFront(), chromedp.Evaluate(`new Promise(done => {
					requestAnimationFrame(() => done('a frame came'));
					setTimeout(() => done('still no frame in 2 s'), 2000);
				})`, &after, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
				t.Logf("diagnose: after Page.bringToFront: %s %v", after, err)
			}
		}
	}
	if out, err := exec.Command("ps", "-eo", "pcpu,rss,etimes,args", "--sort=-pcpu").Output(); err == nil {
		lines := strings.Split(string(out), "\n")
		for i, l := range lines {
			if i > 6 {
				break
			}
			if len(l) > 160 {
				l = l[:160]
			}
			t.Logf("diagnose: ps: %s", l)
		}
	}
}

//go:build browser

package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// noFrames makes the page's requestAnimationFrame never call back, as a
// compositor that stopped sending frames to a visible tab does (seen in
// headless Chromium after axe scans: timers ran, frames never came).
const noFrames = `window.requestAnimationFrame = () => 1; window.cancelAnimationFrame = () => {};`

// TestPageWithoutFramesStillRefreshes: a visible page that gets no
// animation frame still shows its cluster and follows it, at the pace of
// waitFrame's fallback: the first leader, then a kill reaching the card.
// Without the fallback the cards never leave the pre-rendered dash.
func TestPageWithoutFramesStillRefreshes(t *testing.T) {
	tb := blankTab(t, 2*time.Minute)
	tb.run(chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(noFrames).Do(ctx)
		return err
	}))
	tb.open()
	var frames bool
	tb.eval(`window.requestAnimationFrame.toString().includes("=> 1")`, &frames)
	if !frames {
		t.Fatal("the page's requestAnimationFrame was not replaced")
	}
	l := tb.waitLeader()
	tb.click(`[data-action="kill"][data-member="` + itoa(l.Member) + `"]`)
	tb.waitCard(l.Member, `c.state === "down"`)
}

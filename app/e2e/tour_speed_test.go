//go:build browser

package e2e

import (
	"testing"
	"time"
)

// A tour's speed action shows in the page's speed control (the control
// renders the engine's speed, whoever set it), and the reader's own
// choice afterwards stays.
func TestTourSpeedShowsInTheControl(t *testing.T) {
	origin := tourOrigin(t, map[string]string{"speed.tour": "tour speed-test\ntitle Speed\n" +
		"step Slow down\nsay Slower.\ndo speed 5\ndo put s 1\nwait write-ok\n" +
		"step Speed up\nsay Faster.\ndo speed 200\ndo put s 2\nwait write-ok\n"})
	tb := blankTab(t, 2*time.Minute)
	tb.goTo(siteURL + tourQuery(origin, "speed.tour"))
	tb.waitJS(`document.querySelector('#speed').value === "20"`, "the control at the page's speed, 20")
	tb.doStep(1)
	tb.waitJS(`document.querySelector('#speed').value === "5"`, "the control at the tour's speed, 5")
	tb.choose("#speed", "50")
	tb.clickAction("tour-next", 0)
	tb.waitStep(2)
	var v string
	tb.eval(`document.querySelector('#speed').value`, &v)
	if v != "50" {
		t.Fatalf("the reader chose 50, the control shows %s", v)
	}
	tb.doStep(2)
	tb.waitJS(`document.querySelector('#speed').value === "200"`, "the control at the tour's speed, 200")
}

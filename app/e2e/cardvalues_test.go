//go:build browser

package e2e

import (
	"testing"
	"time"
)

// Under the heaviest stress the controls allow, a running member's card
// never shows an older state than it showed before: its applied index,
// commit and revision only grow. go-app draws a card's shape and the
// refresh writes its values (card_binds.go): neither may take the card
// back to an older view. Every change of the cards' attributes is
// recorded with a MutationObserver.
func TestCardValuesNeverGoBack(t *testing.T) {
	tb := newTab(t, 3*time.Minute)
	tb.waitLeader()
	var top string
	tb.eval(`[...document.querySelectorAll('#speed option')].pop().value`, &top)
	tb.choose("#speed", top)
	tb.eval(`(() => {
		const back = window.__back = [], seen = window.__seen = {n: 0};
		window.__cardsObserver = new MutationObserver(ms => { for (const m of ms) {
			const card = m.target, now = card.getAttribute(m.attributeName);
			if (card.dataset.stale !== 'false' || m.oldValue === null || now === null) continue;
			seen.n++;
			if (+now < +m.oldValue) back.push([card.dataset.member, m.attributeName, m.oldValue, now]);
		} });
		window.__cardsObserver.observe(document.querySelector('.cards'), {subtree: true, attributes: true, attributeOldValue: true,
			attributeFilter: ['data-applied', 'data-revision', 'data-commit']});
		return true; })()`, new(bool))
	for _, f := range [][2]string{{"#stress-rate", "max"}, {"#stress-count", "max"}} {
		tb.eval(`(() => { const e = document.querySelector('`+f[0]+`'); e.value = e.`+f[1]+`; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, new(bool))
	}
	tb.clickAction("stress", 0)
	tb.waitJS(`document.querySelector('.stress-result') !== null && document.querySelector('.stress-result').dataset.running === "false"`, "the stress run to finish")
	var got struct {
		Back [][]string
		Seen int
	}
	tb.eval(`(() => { window.__cardsObserver.takeRecords(); window.__cardsObserver.disconnect(); return {back: window.__back, seen: window.__seen.n}; })()`, &got)
	if got.Seen < 100 {
		t.Fatalf("only %d changes of the running cards' indexes seen: the check proves nothing", got.Seen)
	}
	if len(got.Back) > 0 {
		t.Fatalf("%d of %d changes took a card back [member, attribute, before, after], first: %v", len(got.Back), got.Seen, got.Back[:min(len(got.Back), 10)])
	}
	t.Logf("%d changes, none back", got.Seen)
}

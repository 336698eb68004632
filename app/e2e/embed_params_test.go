//go:build browser

package e2e

import (
	"strings"
	"testing"
	"time"
)

// URL parameters that url.ParseQuery and q.Get dropped without a word
// are named in the notice of ignored parameters like any other bad one,
// and their defaults apply: a one-value parameter given twice, a pair
// that is not valid URL encoding, allow origins that no browser sends
// (a port with a leading zero, a path, another scheme).
func TestEmbedNamesDroppedParameters(t *testing.T) {
	tb := newTab(t, time.Minute)
	tb.goTo(siteURL + "?embed=1&members=3&members=7&seed=%ZZ&allow=http://localhost:08742&allow=https://docs.example/guide&allow=ws://docs.example")
	tb.waitLeader()
	var notice string
	var cards int
	tb.eval(`(document.querySelector('.url-problems') || {textContent: ''}).textContent`, &notice)
	tb.eval(`document.querySelectorAll('.card[data-member]').length`, &cards)
	for _, want := range []string{
		`members given 2 times ("3", "7")`,
		`"seed=%ZZ": not valid URL encoding`,
		`allow="http://localhost:08742": port 08742 can never match: browsers write it 8742`,
		`allow="https://docs.example/guide": an origin has no path`,
		`allow="ws://docs.example": not an http or https origin`,
	} {
		if !strings.Contains(notice, want) {
			t.Errorf("the notice does not name %s: %q", want, notice)
		}
	}
	if cards != 5 {
		t.Errorf("%d cards, want the default 5 (members given twice is ignored)", cards)
	}
	t.Logf("notice: %s", notice)
}

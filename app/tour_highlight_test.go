package app

import (
	"testing"

	"github.com/etcd-play/etcd-play/app/tour"
)

// Every target a tour may highlight names page elements (a target added
// to the format without a selector would highlight nothing).
func TestTourTargetsHaveSelectors(t *testing.T) {
	for _, target := range append(append([]string{}, tour.Targets...), "card:3") {
		if tourSelector(target) == "" {
			t.Errorf("highlight target %q has no selector", target)
		}
	}
	if got := tourSelector("card:3"); got != `.card[data-member="3"]` {
		t.Errorf("card:3 selects %s", got)
	}
	if len(tourTargets) != len(tour.Targets) {
		t.Errorf("%d selectors for %d targets", len(tourTargets), len(tour.Targets))
	}
}

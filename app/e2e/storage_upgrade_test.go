//go:build browser

package e2e

import (
	"strings"
	"testing"
	"time"
)

// abortUpgrade makes every IndexedDB open's upgrade transaction abort
// before the page's own upgradeneeded handler runs (a listener added when
// the request is made runs first), so the page's createObjectStore throws.
const abortUpgrade = `(() => {
	const open = IDBFactory.prototype.open;
	IDBFactory.prototype.open = function() {
		const req = open.apply(this, arguments);
		req.addEventListener("upgradeneeded", () => req.transaction.abort());
		return req;
	};
})()`

// IndexedDB whose upgrade is aborted before the page creates its object
// store: a storage failure the page shows (what failed; go on in memory,
// delete the stored cluster, reload), not a dead engine; going on in
// memory runs the cluster.
func TestStorageUpgradeAborted(t *testing.T) {
	tb := blankTab(t, time.Minute)
	tb.inject(abortUpgrade)
	tb.open()
	d := tb.within(5*time.Second, storageFailed, "the page to offer memory and reload after the aborted upgrade")
	var text string
	tb.eval(`document.querySelector('.storage[data-storage="failed"]').textContent`, &text)
	if !strings.Contains(text, "upgrade") || !strings.Contains(text, "AbortError") {
		t.Errorf("failure notice %q does not say the upgrade was aborted", text)
	}
	var hasReset bool
	tb.eval(`document.querySelector('[data-action="reset-stored"]') !== null`, &hasReset)
	if !hasReset {
		t.Error("no control deletes the stored cluster")
	}
	t.Logf("shown %v after the page mounted: %s", d.Round(time.Millisecond), text)
	tb.clickAction("run-in-memory", 0)
	tb.waitStorage(`s.storage === "memory"`, "the cluster in memory")
	tb.waitLeader()
}

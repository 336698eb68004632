//go:build browser

package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A leader appears; killing it with its card's button brings up a new one;
// restarting it brings the old leader back as a follower.
func TestKillLeaderNewLeader(t *testing.T) {
	tb := newTab(t, 90*time.Second)
	t0 := time.Now()
	old := tb.waitLeader()
	t.Logf("first leader %d (term %d) %v after mount", old.Member, old.Term, since(t0))

	tb.clickAction("kill", old.Member)
	t1 := time.Now()
	tb.waitCard(old.Member, `c.state === "down"`)
	nu := tb.waitLeader(old.Member)
	t.Logf("member %d killed; new leader %d (term %d) %v after the click", old.Member, nu.Member, nu.Term, since(t1))
	if nu.Term <= old.Term {
		t.Errorf("new leader's term %d is not above the old %d", nu.Term, old.Term)
	}
	if d := time.Since(t1); d > 10*time.Second {
		t.Errorf("failover took %v, want a few seconds", d)
	}

	tb.clickAction("restart", old.Member)
	tb.waitCard(old.Member, `c.state === "follower" && +c.leader === `+itoa(nu.Member))
}

// A key put through a follower is read from another member, linearizably
// and then serializably once that member has applied it.
func TestPutViaFollowerGetFromAnother(t *testing.T) {
	tb := newTab(t, 90*time.Second)
	l := tb.waitLeader()
	var followers []uint64
	for _, c := range tb.cards() {
		if c.Member != l.Member {
			followers = append(followers, c.Member)
		}
	}
	via, from := followers[0], followers[1]

	r := tb.write("put", via, "greeting", "hello, etcd", false)
	if r.Status != "ok" {
		t.Fatalf("put via follower %d: %s", via, r.Text)
	}
	r = tb.write("get", from, "greeting", "", false)
	if r.Status != "ok" || len(r.Keys) != 1 || r.Keys[0] != "greeting" || r.Values[0] != "hello, etcd" {
		t.Fatalf("get from member %d: %+v", from, r)
	}
	tb.choose("#write-consistency", "s")
	r = tb.write("get", l.Member, "greet", "", true)
	if r.Status != "ok" || len(r.Values) != 1 || r.Values[0] != "hello, etcd" {
		t.Fatalf("serializable prefix get from the leader %d: %+v", l.Member, r)
	}
	r = tb.write("delete", from, "greeting", "", false)
	if r.Status != "ok" || !strings.Contains(r.Text, "deleted 1 key") {
		t.Fatalf("delete via member %d: %+v", from, r)
	}
}

// Isolating the leader leaves a majority that elects a leader and takes
// writes; after heal every member converges to the same revision and hash.
func TestIsolateLeaderWriteHeal(t *testing.T) {
	tb := newTab(t, 90*time.Second)
	old := tb.waitLeader()
	tb.clickAction("isolate-leader", 0)
	tb.waitJS(`document.querySelectorAll('.link.cut').length === 8`, "the leader's 8 links to show as cut")
	nu := tb.waitLeader(old.Member)
	t.Logf("isolated leader %d; majority elected %d in term %d", old.Member, nu.Member, nu.Term)

	r := tb.write("put", nu.Member, "during-partition", "majority", false)
	if r.Status != "ok" {
		t.Fatalf("put on the majority: %s", r.Text)
	}
	var rev int64
	for _, c := range tb.cards() {
		if c.Member == nu.Member {
			rev = c.Revision
		}
	}

	tb.clickAction("heal", 0)
	tb.waitJS(`document.querySelectorAll('.link.cut').length === 0`, "every link to show as healed")
	c := tb.converged(rev, "all five members to agree on revision and hash after heal")
	tb.waitJS(`document.querySelector('.hash-indicator').dataset.hashAgree === "agree"`, "the indicator to say the hashes agree")
	tb.waitCard(old.Member, `c.state === "follower"`)
	t.Logf("converged at revision %d, hash %s", c.Revision, c.Hash)
	r = tb.write("get", old.Member, "during-partition", "", false)
	if r.Status != "ok" || len(r.Values) != 1 || r.Values[0] != "majority" {
		t.Fatalf("the old leader %d does not serve the majority's write: %+v", old.Member, r)
	}
}

// Kill all, restart all: the cluster comes back with the same data.
func TestKillAllRestartAll(t *testing.T) {
	tb := newTab(t, 90*time.Second)
	l := tb.waitLeader()
	for _, k := range []string{"a", "b", "c"} {
		if r := tb.write("put", l.Member, "durable/"+k, "v-"+k, false); r.Status != "ok" {
			t.Fatalf("put: %s", r.Text)
		}
	}
	before := tb.converged(4, "every member to apply the three puts")

	tb.clickAction("kill-all", 0)
	tb.waitJS(`[...document.querySelectorAll('.card[data-member]')].every(c => c.dataset.state === "down")`, "every member down")
	tb.clickAction("restart-all", 0)
	tb.waitLeader()
	after := tb.converged(before.Revision, "every member back at the same revision")
	if after.Revision != before.Revision || after.Hash != before.Hash || after.Keys != before.Keys {
		t.Fatalf("after restart all: revision %d hash %s keys %d; before: revision %d hash %s keys %d",
			after.Revision, after.Hash, after.Keys, before.Revision, before.Hash, before.Keys)
	}
	t.Logf("same revision %d and hash %s after kill all / restart all", after.Revision, after.Hash)
}

// Clicking a link cuts that one direction; Enter on it (keyboard) heals it.
func TestLinkCutByClickAndKeyboard(t *testing.T) {
	tb := newTab(t, 60*time.Second)
	tb.waitLeader()
	const link = `.link[data-from="1"][data-to="2"]`
	tb.click(link)
	tb.waitJS(`document.querySelector('`+link+`').dataset.cut === "true" && document.querySelector('.link[data-from="2"][data-to="1"]').dataset.cut === "false"`,
		"link 1→2 cut and 2→1 still up")
	tb.run(focusAndEnter(link))
	tb.waitJS(`document.querySelector('`+link+`').dataset.cut === "false"`, "link 1→2 healed by keyboard")
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// focusAndEnter focuses sel and presses Enter, as a keyboard user would.
func focusAndEnter(sel string) chromedp.Action {
	return chromedp.Tasks{chromedp.Focus(sel, chromedp.ByQuery), chromedp.KeyEvent("\r")}
}

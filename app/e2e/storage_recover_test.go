//go:build browser

package e2e

import (
	"fmt"
	"strings"
	"time"
)

// Shared steps of the storage failure tests: acknowledged writes before a
// failure, and the recovery by Restart all after it.

// putAcked puts ack/000 .. ack/<n-1> through the console, each
// acknowledged, and returns their keys.
func (tb *tab) putAcked(n int) []string {
	tb.t.Helper()
	var acked []string
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("ack/%03d", i)
		if status, out := tb.consoleRun(fmt.Sprintf("put %s v%d", k, i)); status != "ok" {
			tb.t.Fatalf("put %s before the failure: %s", k, out)
		}
		acked = append(acked, k)
	}
	return acked
}

// recovery is how long restartAllRecovers took to each milestone since
// its click.
type recovery struct{ leader, put time.Duration }

// restartAllRecovers clicks Restart all once storage works again and
// checks the cluster recovered without a reload: a leader, an
// acknowledged put of key, every disk error gone, and every acked key
// there on the leader.
func (tb *tab) restartAllRecovers(acked []string, key string) recovery {
	tb.t.Helper()
	t1 := time.Now()
	tb.clickAction("restart-all", 0)
	tb.waitLeader()
	var r recovery
	r.leader = time.Since(t1)
	// Restart all starts the members that are down; the leader may be
	// the one from before the click or a new one, and a restarted member
	// answers "no leader" until it hears from one: the put below is for a
	// cluster whose every member is up and follows one leader.
	tb.waitJS(`(() => { const cs = [...document.querySelectorAll('.card[data-member]')]; const l = cs.find(c => c.dataset.state === "leader");
		return l !== undefined && cs.every(c => c.dataset.state !== "down" && c.dataset.leader === l.dataset.member); })()`,
		"every member up and following one leader")
	l := tb.waitLeader()
	if status, out := tb.consoleRun("put " + key + " yes"); status != "ok" {
		tb.t.Fatalf("a put once storage worked again and every member restarted: %s", out)
	}
	r.put = time.Since(t1)
	tb.within(30*time.Second, `document.querySelector('.disk-error') === null`, "the disk errors to clear after the restart")
	status, out := tb.consoleRun(fmt.Sprintf("get ack/ --prefix --keys-only --endpoints %d", l.Member))
	if status != "ok" {
		tb.t.Fatalf("get after the restart: %s", out)
	}
	for _, k := range acked {
		if !strings.Contains(out, k) {
			tb.t.Errorf("acknowledged key %s missing after the failure and the restart", k)
		}
	}
	return r
}

//go:build browser

package e2e

import (
	"strconv"
	"testing"
	"time"
)

// Make leader on a follower's card hands leadership to it.
func TestTransferLeadership(t *testing.T) {
	tb := newTab(t, 60*time.Second)
	l := tb.waitLeader()
	target := l.Member%5 + 1
	tb.clickAction("transfer", target)
	tb.waitCard(target, `c.state === "leader"`)
	tb.waitCard(l.Member, `c.state === "follower" && +c.leader === `+itoa(target))
}

// Split 2|3: the majority side keeps (or elects) a leader and takes writes;
// the minority cannot write; heal brings everyone to the same data.
func TestSplitMinorityMajority(t *testing.T) {
	tb := newTab(t, 90*time.Second)
	tb.waitLeader()
	tb.clickAction("split", 0)
	// Members 1 and 2 form the minority: 2 × 3 links cut each way.
	tb.waitJS(`document.querySelectorAll('.link.cut').length === 12`, "the 12 links between the sides to show as cut")
	tb.waitJS(`[3, 4, 5].some(id => document.querySelector('.card[data-member="' + id + '"]').dataset.state === "leader") &&
		[1, 2].every(id => document.querySelector('.card[data-member="' + id + '"]').dataset.state !== "leader")`,
		"a leader on the majority side only")
	if r := tb.write("put", 4, "split", "majority", false); r.Status != "ok" {
		t.Fatalf("put on the majority: %s", r.Text)
	}
	if r := tb.write("put", 1, "split", "minority", false); r.Status != "error" {
		t.Fatalf("a put on the minority succeeded: %s", r.Text)
	} else {
		t.Logf("minority put: %s", r.Text)
	}
	tb.clickAction("heal", 0)
	tb.converged(2, "both sides to converge after heal")
	if r := tb.write("get", 1, "split", "", false); r.Status != "ok" || len(r.Values) != 1 || r.Values[0] != "majority" {
		t.Fatalf("after heal member 1 reads %+v", r)
	}
}

// Pause stops time; Step advances exactly one tick; Play resumes.
func TestTimeControls(t *testing.T) {
	tb := newTab(t, 60*time.Second)
	tb.waitLeader()
	tb.clickAction("pause", 0)
	tb.waitJS(`document.querySelector('[data-action="play"]') !== null`, "the Play button (paused)")
	var now string
	tb.eval(`document.querySelector('[data-now]').dataset.now`, &now)
	n, err := strconv.Atoi(now)
	if err != nil {
		t.Fatal(err)
	}
	tb.clickAction("step", 0)
	tb.waitJS(`+document.querySelector('[data-now]').dataset.now === `+strconv.Itoa(n+1), "exactly one tick after Step")
	tb.clickAction("step", 0)
	tb.waitJS(`+document.querySelector('[data-now]').dataset.now === `+strconv.Itoa(n+2), "exactly two ticks after two Steps")
	tb.clickAction("play", 0)
	tb.waitJS(`+document.querySelector('[data-now]').dataset.now > `+strconv.Itoa(n+10), "time to run again after Play")
}

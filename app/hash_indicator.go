package app

import (
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The hash indicator under the cluster view: whether the live members
// reached the same revision and whether their HashKV agree, and which
// members are behind the majority and by how much.

// renderHashIndicator compares the live members: whether they all reached
// the same revision, and whether their HashKV agree at the revision the
// engine compares them at (MemberView.HashRevision, the highest all of
// them have). States (data-hash-agree): "agree" (same revision, same
// hash), "behind" (some members have not applied what others have; the
// hashes up to the shared revision agree), "differ" (the hashes differ),
// "none" (no live member). data-behind lists the ids of the members behind
// the highest revision, comma-separated, and data-top-revision is it.
func (p *playground) renderHashIndicator() app.UI {
	var live []engine.MemberView
	var out []string
	for _, m := range p.view.members {
		if m.Up() {
			live = append(live, m)
		} else {
			out = append(out, m.Name)
		}
	}
	st := compareMembers(live, len(p.view.members))
	if len(out) > 0 && len(live) > 0 {
		st.text += "; " + strings.Join(out, ", ") + " not running" // so that "live" is explained
	}
	behind := make([]string, len(st.behind))
	for i, m := range st.behind {
		behind[i] = itoa(m.ID)
	}
	// Only the state is a live region, visually hidden: the text beside it
	// changes with every write and the tick with every refresh, and a
	// screen reader would announce each change.
	return app.P().Class("hash-indicator "+st.state).DataSet("hash-agree", st.state).
		DataSet("behind", strings.Join(behind, ",")).DataSet("top-revision", st.top).
		Body(
			app.Span().Class("visually-hidden").Role("status").Text(liveSummary[st.state]),
			app.Span().Class("dot").Aria("hidden", true),
			app.Text(st.text),
			app.Span().Class("tick").Text(fmt.Sprintf(" · tick %d", p.view.now)),
		)
}

// liveSummary is what a screen reader announces when the hash indicator's
// state changes.
var liveSummary = map[string]string{
	"agree":  "members agree",
	"behind": "some members are behind",
	"differ": "member hashes differ",
	"none":   "no live members",
}

// memberComparison is what the hash indicator says about the live members.
type memberComparison struct {
	state  string // "agree", "behind", "differ", "none"
	text   string
	top    int64               // the highest revision a live member applied
	behind []engine.MemberView // live members below top, by ID
}

// compareMembers compares the live members of a cluster of n.
func compareMembers(live []engine.MemberView, n int) memberComparison {
	if len(live) == 0 {
		return memberComparison{state: "none", text: "no live members"}
	}
	var c memberComparison
	var atTop []engine.MemberView
	for _, m := range live {
		c.top = max(c.top, m.Revision)
	}
	for _, m := range live {
		if m.Revision < c.top {
			c.behind = append(c.behind, m)
		} else {
			atTop = append(atTop, m)
		}
	}
	hashRev := live[0].HashRevision
	for _, m := range live[1:] {
		if m.Hash != live[0].Hash || m.HashRevision != hashRev {
			c.state, c.text = "differ", fmt.Sprintf("hashes differ at revision %d", hashRev)
			return c
		}
	}
	if len(c.behind) == 0 {
		c.state, c.text = "agree", fmt.Sprintf("hashes agree at revision %d (%s) across %d live members",
			hashRev, hashText(live[0].Hash), len(live))
		return c
	}
	// Group the members behind by revision, lowest first:
	// "etcd-1, etcd-2 at revision 1; etcd-3 at revision 3".
	var revs []int64
	byRev := map[int64][]string{}
	for _, m := range c.behind {
		if _, ok := byRev[m.Revision]; !ok {
			revs = append(revs, m.Revision)
		}
		byRev[m.Revision] = append(byRev[m.Revision], m.Name)
	}
	slices.Sort(revs)
	groups := make([]string, len(revs))
	for i, r := range revs {
		groups[i] = fmt.Sprintf("%s at revision %d", strings.Join(byRev[r], ", "), r)
	}
	who := "the majority"
	if 2*len(atTop) <= n {
		names := make([]string, len(atTop))
		for i, m := range atTop {
			names[i] = m.Name
		}
		who = strings.Join(names, ", ")
	}
	c.state = "behind"
	c.text = fmt.Sprintf("%s: behind %s at revision %d; hashes agree at revision %d",
		strings.Join(groups, "; "), who, c.top, hashRev)
	return c
}

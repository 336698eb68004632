package app

import (
	"fmt"
	"strconv"

	"github.com/etcd-play/etcd-play/app/engine"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// cardTimers is a member card's raft clocks (engine.MemberView's timers):
// a follower's or candidate's election timer filling toward its randomized
// timeout, a leader's heartbeat timer, and a campaign's votes granted and
// rejected, each as a bar and as text. A component of its own: a tick that
// changes only the timers redraws only them. Hooks on the .timers element:
// data-election-elapsed, data-election-timeout, data-heartbeat-elapsed,
// data-votes-granted, data-votes-rejected.
//
// Every child is always there, hidden when it does not apply (go-app
// matches children by position).
type cardTimers struct {
	app.Compo
	Up, Leader, Campaign bool
	Binds                binds // the card's (timerBinds' among them)
}

// newCardTimers returns member m's timers as its card shows them; bs are
// the card's binds.
func (p *playground) newCardTimers(m engine.MemberView, bs binds) *cardTimers {
	return &cardTimers{
		Up: m.Up(), Leader: m.State == "leader", Campaign: m.State == "candidate" || m.State == "pre-candidate",
		Binds: bs,
	}
}

// timerBinds returns the values member m's timers show (card_binds.go).
func (p *playground) timerBinds(m engine.MemberView) binds {
	et, ht := max(m.ElectionTimeout, 1), max(m.HeartbeatTimeout, 1)
	return binds{
		{"timers", "data-election-elapsed", strconv.Itoa(m.ElectionElapsed)},
		{"timers", "data-election-timeout", strconv.Itoa(m.ElectionTimeout)},
		{"timers", "data-heartbeat-elapsed", strconv.Itoa(m.HeartbeatElapsed)},
		{"timers", "data-votes-granted", strconv.Itoa(m.VotesGranted)},
		{"timers", "data-votes-rejected", strconv.Itoa(m.VotesRejected)},
		{"election-bar", "max", strconv.Itoa(et)},
		{"election-bar", ".value", strconv.Itoa(min(m.ElectionElapsed, et))},
		{"election-bar", "aria-label", fmt.Sprintf("election timer %d of %d ticks", m.ElectionElapsed, m.ElectionTimeout)},
		{"election-text", "", strconv.Itoa(m.ElectionElapsed) + "/" + strconv.Itoa(m.ElectionTimeout)},
		{"heartbeat-bar", "max", strconv.Itoa(ht)},
		{"heartbeat-bar", ".value", strconv.Itoa(min(m.HeartbeatElapsed, ht))},
		{"heartbeat-bar", "aria-label", fmt.Sprintf("heartbeat timer %d of %d ticks", m.HeartbeatElapsed, m.HeartbeatTimeout)},
		{"heartbeat-text", "", strconv.Itoa(m.HeartbeatElapsed) + "/" + strconv.Itoa(m.HeartbeatTimeout)},
		{"votes", "", fmt.Sprintf("votes: %d granted, %d rejected, of %d members", m.VotesGranted, m.VotesRejected, len(p.view.members))},
	}
}

func (c *cardTimers) Render() app.UI {
	up, leader, campaign, b := c.Up, c.Leader, c.Campaign, c.Binds
	div := app.Div().Class("timers").Hidden(!up).DataSet("bind", "timers")
	for _, x := range b {
		if x.el == "timers" {
			div = div.Attr(x.attr, x.value)
		}
	}
	return div.Body(
		timerBar(b, "election", !up || leader,
			"ticks since it last heard from a leader (or started an election); at the timeout, randomized per election, it campaigns"),
		timerBar(b, "heartbeat", !up || !leader,
			"ticks since the leader's last heartbeat round; at the interval it sends the next"),
		app.Div().Class("timer votes").DataSet("bind", "votes").Hidden(!up || !campaign).Text(b.get("votes", "")),
	)
}

// timerBar is one of a card's timers ("election", "heartbeat"): its name,
// its bar and its ticks as text, from the card's binds.
func timerBar(b binds, name string, hidden bool, title string) app.UI {
	bar := name + "-bar"
	return app.Div().Class("timer "+name).Hidden(hidden).Title(title).Body(
		app.Span().Text(name),
		app.Progress().DataSet("bind", bar).Max(b.get(bar, "max")).Value(b.get(bar, ".value")).Aria("label", b.get(bar, "aria-label")),
		app.Span().DataSet("bind", name+"-text").Text(b.get(name+"-text", "")),
	)
}

package app

import (
	"fmt"

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
	Up, Leader, Campaign                 bool
	ElectionElapsed, ElectionTimeout     int
	HeartbeatElapsed, HeartbeatTimeout   int
	VotesGranted, VotesRejected, Members int
}

// newCardTimers returns member m's timers as its card shows them.
func (p *playground) newCardTimers(m engine.MemberView) *cardTimers {
	return &cardTimers{
		Up: m.Up(), Leader: m.State == "leader", Campaign: m.State == "candidate" || m.State == "pre-candidate",
		ElectionElapsed: m.ElectionElapsed, ElectionTimeout: m.ElectionTimeout,
		HeartbeatElapsed: m.HeartbeatElapsed, HeartbeatTimeout: m.HeartbeatTimeout,
		VotesGranted: m.VotesGranted, VotesRejected: m.VotesRejected, Members: len(p.view.members),
	}
}

func (c *cardTimers) Render() app.UI {
	up, leader, campaign := c.Up, c.Leader, c.Campaign
	electionText := fmt.Sprintf("election timer %d of %d ticks", c.ElectionElapsed, c.ElectionTimeout)
	heartbeatText := fmt.Sprintf("heartbeat timer %d of %d ticks", c.HeartbeatElapsed, c.HeartbeatTimeout)
	votesText := fmt.Sprintf("votes: %d granted, %d rejected, of %d members", c.VotesGranted, c.VotesRejected, c.Members)
	return app.Div().Class("timers").Hidden(!up).
		DataSet("election-elapsed", c.ElectionElapsed).
		DataSet("election-timeout", c.ElectionTimeout).
		DataSet("heartbeat-elapsed", c.HeartbeatElapsed).
		DataSet("votes-granted", c.VotesGranted).
		DataSet("votes-rejected", c.VotesRejected).
		Body(
			app.Div().Class("timer election").Hidden(!up || leader).
				Title("ticks since it last heard from a leader (or started an election); at the timeout, randomized per election, it campaigns").
				Body(
					app.Span().Text("election"),
					app.Progress().Max(max(c.ElectionTimeout, 1)).Value(min(c.ElectionElapsed, max(c.ElectionTimeout, 1))).Aria("label", electionText),
					app.Span().Text(fmt.Sprintf("%d/%d", c.ElectionElapsed, c.ElectionTimeout)),
				),
			app.Div().Class("timer heartbeat").Hidden(!up || !leader).
				Title("ticks since the leader's last heartbeat round; at the interval it sends the next").
				Body(
					app.Span().Text("heartbeat"),
					app.Progress().Max(max(c.HeartbeatTimeout, 1)).Value(min(c.HeartbeatElapsed, max(c.HeartbeatTimeout, 1))).Aria("label", heartbeatText),
					app.Span().Text(fmt.Sprintf("%d/%d", c.HeartbeatElapsed, c.HeartbeatTimeout)),
				),
			app.Div().Class("timer votes").Hidden(!up || !campaign).Text(votesText),
		)
}

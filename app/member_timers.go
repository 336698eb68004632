package app

import (
	"fmt"

	"github.com/etcd-play/etcd-play/app/engine"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// renderTimers is a member card's raft clocks (engine.MemberView's
// timers): a follower's or candidate's election timer filling toward its
// randomized timeout, a leader's heartbeat timer, and a campaign's votes
// granted and rejected, each as a bar and as text. Hooks on the .timers
// element: data-election-elapsed, data-election-timeout,
// data-heartbeat-elapsed, data-votes-granted, data-votes-rejected.
//
// Every child is always there, hidden when it does not apply (go-app
// matches children by position).
func (p *playground) renderTimers(m engine.MemberView) app.UI {
	up := m.Up()
	leader := m.State == "leader"
	campaign := m.State == "candidate" || m.State == "pre-candidate"
	electionText := fmt.Sprintf("election timer %d of %d ticks", m.ElectionElapsed, m.ElectionTimeout)
	heartbeatText := fmt.Sprintf("heartbeat timer %d of %d ticks", m.HeartbeatElapsed, m.HeartbeatTimeout)
	votesText := fmt.Sprintf("votes: %d granted, %d rejected, of %d members", m.VotesGranted, m.VotesRejected, len(p.view.members))
	return app.Div().Class("timers").Hidden(!up).
		DataSet("election-elapsed", m.ElectionElapsed).
		DataSet("election-timeout", m.ElectionTimeout).
		DataSet("heartbeat-elapsed", m.HeartbeatElapsed).
		DataSet("votes-granted", m.VotesGranted).
		DataSet("votes-rejected", m.VotesRejected).
		Body(
			app.Div().Class("timer election").Hidden(!up || leader).
				Title("ticks since it last heard from a leader (or started an election); at the timeout, randomized per election, it campaigns").
				Body(
					app.Span().Text("election"),
					app.Progress().Max(max(m.ElectionTimeout, 1)).Value(min(m.ElectionElapsed, max(m.ElectionTimeout, 1))).Aria("label", electionText),
					app.Span().Text(fmt.Sprintf("%d/%d", m.ElectionElapsed, m.ElectionTimeout)),
				),
			app.Div().Class("timer heartbeat").Hidden(!up || !leader).
				Title("ticks since the leader's last heartbeat round; at the interval it sends the next").
				Body(
					app.Span().Text("heartbeat"),
					app.Progress().Max(max(m.HeartbeatTimeout, 1)).Value(min(m.HeartbeatElapsed, max(m.HeartbeatTimeout, 1))).Aria("label", heartbeatText),
					app.Span().Text(fmt.Sprintf("%d/%d", m.HeartbeatElapsed, m.HeartbeatTimeout)),
				),
			app.Div().Class("timer votes").Hidden(!up || !campaign).Text(votesText),
		)
}

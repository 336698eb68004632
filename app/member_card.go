package app

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Member cards: one per member, with every status field and the per-member
// controls. The card's data-* attributes track the live values for
// automation (data-member, data-state, data-term, data-leader,
// data-revision, data-keys, data-hash, data-applied).

// stateLabel is the text that accompanies a state's colour.
func stateLabel(s string) string {
	switch s {
	case "leader":
		return "★ leader"
	case "follower":
		return "follower"
	case "candidate":
		return "? candidate"
	case "pre-candidate":
		return "? pre-candidate"
	case "down":
		return "✕ down"
	case "loading":
		return "… loading"
	}
	return s
}

func hashText(h uint32) string { return fmt.Sprintf("%08x", h) }

func (p *playground) renderCards() app.UI {
	return app.Div().Class("cards").Body(
		app.Range(p.view.members).Slice(func(i int) app.UI {
			return p.renderCard(p.view.members[i])
		}),
	)
}

func (p *playground) renderCard(m MemberView) app.UI {
	id := m.ID
	down := !m.Up()
	leader := "none"
	if m.Leader != 0 {
		leader = p.view.name(m.Leader)
	}
	field := func(name, value string) app.UI {
		return app.Div().Class("field").Body(app.Dt().Text(name), app.Dd().Text(value))
	}
	name := m.Name
	return app.Article().
		Class("card state-"+m.State).
		Aria("label", name+" "+m.State).
		DataSet("member", id).
		DataSet("state", m.State).
		DataSet("term", m.Term).
		DataSet("leader", m.Leader).
		DataSet("revision", m.Revision).
		DataSet("keys", m.Keys).
		DataSet("hash", m.Hash).
		DataSet("hash-revision", m.HashRevision).
		DataSet("compact-revision", m.CompactRevision).
		DataSet("applied", m.Applied).
		DataSet("commit", m.Commit).
		Body(
			app.Header().Body(
				app.H3().Text(name),
				app.Span().Class("badge state-"+m.State).Text(stateLabel(m.State)),
			),
			app.Dl().Body(
				field("term", itoa(m.Term)),
				field("leader", leader),
				field("commit", itoa(m.Commit)),
				field("applied", itoa(m.Applied)),
				field("revision", fmt.Sprint(m.Revision)),
				field("compact rev", fmt.Sprint(m.CompactRevision)),
				field("keys", fmt.Sprint(m.Keys)),
				field("hash", hashText(m.Hash)),
				field("snapshot", itoa(m.SnapshotIndex)),
				field("store", humanBytes(m.StoreBytes)),
			),
			app.If(len(m.Progress) > 0, func() app.UI {
				return app.Ul().Class("progress-list").Aria("label", "replication progress").Body(
					app.Range(m.Progress).Slice(func(i int) app.UI {
						fp := m.Progress[i]
						return app.Li().Text(fmt.Sprintf("%s: match %d, next %d, %s", p.view.name(fp.ID), fp.Match, fp.Next, fp.State))
					}),
				)
			}),
			app.Div().Class("card-actions").Body(
				app.If(!down, func() app.UI {
					return app.Button().Type("button").Class("danger").
						DataSet("action", "kill").DataSet("member", id).
						Aria("label", "kill "+name).Text("Kill").
						OnClick(p.onAct("kill "+name, func(e Engine) error { return e.Kill(id) }))
				}).Else(func() app.UI {
					return app.Button().Type("button").
						DataSet("action", "restart").DataSet("member", id).
						Aria("label", "restart "+name).Text("Restart").
						OnClick(p.onAct("restart "+name, func(e Engine) error { return e.Restart(id) }))
				}),
				app.Button().Type("button").
					DataSet("action", "isolate").DataSet("member", id).
					Aria("label", "isolate "+name).Text("Isolate").
					OnClick(p.onAct("isolate "+name, func(e Engine) error { e.Isolate(id); return nil })),
				app.Button().Type("button").
					DataSet("action", "transfer").DataSet("member", id).
					Disabled(down || m.State == "leader").
					Aria("label", "Make leader: transfer leadership to "+name).Text("Make leader").
					OnClick(p.onAct("transfer leadership to "+name, func(e Engine) error { return e.TransferLeadership(id) })),
			),
		)
}

// renderHashIndicator says whether the live members' HashKV agree at the
// revision they all have applied.
func (p *playground) renderHashIndicator() app.UI {
	var live []MemberView
	for _, m := range p.view.members {
		if m.Up() {
			live = append(live, m)
		}
	}
	state, text := "none", "no live members"
	if len(live) > 0 {
		state, text = "agree", fmt.Sprintf("hashes agree at revision %d (%s) across %d live members",
			live[0].HashRevision, hashText(live[0].Hash), len(live))
		for _, m := range live[1:] {
			if m.Hash != live[0].Hash || m.HashRevision != live[0].HashRevision {
				state, text = "differ", fmt.Sprintf("hashes differ at revision %d", live[0].HashRevision)
				break
			}
		}
	}
	return app.P().Class("hash-indicator "+state).Role("status").DataSet("hash-agree", state).Body(
		app.Span().Class("dot").Aria("hidden", true),
		app.Text(text),
		app.Span().Class("tick").Text(fmt.Sprintf(" · tick %d", p.view.now)),
	)
}

package app

import (
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Member cards: one per member, with every status field and the per-member
// controls. The card's data-* attributes track the values it shows, for
// automation: data-member, data-state, data-term, data-leader,
// data-commit, data-revision, data-keys, data-hash, data-hash-revision,
// data-compact-revision, data-applied, and the raft log's indexes:
// data-last-index, data-snapshot-index and data-compacted-index (the last
// index compacted away, 0 when none; read from storage while it is down).
//
// A member that is down (or still loading from storage) runs no store, so
// its status has zeros for what only a running member knows. Its card shows
// instead the values the page last saw while it was up, greyed as stale,
// and says so; data-stale is "true", data-known-at is the tick of that
// sighting, and data-applied, data-revision, data-compact-revision,
// data-keys, data-hash and data-hash-revision hold those last known values.
// If the page never saw the member up, the card shows a dash, data-known-at
// is empty and those attributes hold the status's zeros. Term and commit
// are read from the member's storage even while it is down: they are
// current, never stale. A running member's card has data-stale "false".

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

// stateHelp explains each state in the badge's tooltip, for a newcomer.
var stateHelp = map[string]string{
	"leader":        "leader: takes every write and replicates it to the others",
	"follower":      "follower: takes the leader's log; a write sent here is forwarded to the leader",
	"candidate":     "candidate: heard from no leader, so it started an election and asks for votes",
	"pre-candidate": "pre-candidate: heard from no leader, so it asks whether it could win an election before starting one (Raft PreVote), so that a cut-off member does not disrupt the others",
	"down":          "down: the member's process is stopped; its disk is kept",
	"loading":       "loading: the member reads its storage before it starts",
}

func hashText(h uint32) string { return fmt.Sprintf("%08x", h) }

// renderCards draws the cards under a heading for screen readers (the
// cards' own headings are h3; the page's panels are h2), visually hidden:
// the cards speak for themselves on screen.
func (p *playground) renderCards() app.UI {
	return app.Div().Class("cards-panel").Body(
		app.H2().Class("visually-hidden").Text("Members"),
		app.Div().Class("cards").Body(
			app.Range(p.view.members).Slice(func(i int) app.UI {
				return p.renderCard(p.view.members[i])
			}),
		),
	)
}

func (p *playground) renderCard(m engine.MemberView) app.UI {
	id := m.ID
	down := !m.Up()
	name := m.Name
	leader := "none"
	if m.Leader != 0 {
		leader = p.view.name(m.Leader)
	}
	_, stale, unknown, knownAt := p.view.cardShown(m)
	if down {
		leader = "—"
	}
	isolated := p.view.isolated(id)
	bs := p.cardBinds(m) // card_binds.go
	card := app.Article().
		Class("card state-"+m.State).
		Aria("label", name+" "+m.State).
		DataSet("member", id).
		DataSet("state", m.State).
		DataSet("term", m.Term).
		DataSet("leader", m.Leader).
		DataSet("stale", down).
		DataSet("known-at", knownAt)
	for _, b := range bs {
		if b.el == "card" {
			card = card.Attr(b.attr, b.value)
		}
	}
	return card.Body(
		// The card's parts are components of their own, each holding
		// only what it shows: go-app redraws a part only when that
		// changed (a tick changes the timers; a write the fields).
		&cardHead{Name: name, State: m.State},
		// Every child is always there (hidden when it has nothing to
		// say): go-app matches children by position, and a child that
		// came and went would make it replace the actions below, and
		// drop the keyboard focus of a Kill that was just pressed.
		app.P().Class("down-note").Hidden(!down).Text(downNote(m.State, stale, knownAt)),
		app.P().Class("isolated-note").Hidden(!isolated).
			Text(map[bool]string{true: "Isolated: every link to and from it is cut.", false: ""}[isolated]),
		&cardFields{
			Term: itoa(m.Term), Leader: leader,
			Commit: bs.get("commit", ""), Applied: bs.get("applied", ""), Revision: bs.get("revision", ""),
			CompactRev: bs.get("compact-rev", ""), Keys: bs.get("keys", ""), Hash: bs.get("hash", ""),
			Snapshot: bs.get("snapshot", ""), Log: bs.get("log", ""), Store: bs.get("store", ""),
			Stale: stale, Unknown: unknown, KnownAt: knownAt,
		},
		p.newCardTimers(m, bs), // member_timers.go
		&cardProgress{Lines: p.progressLines(m)},
		&cardActions{P: p, ID: id, Name: name, Down: down, Isolated: isolated, Leader: m.State == "leader"},
	)
}

// cardHead is a card's heading: the member's name and its state's badge.
type cardHead struct {
	app.Compo
	Name, State string
}

func (c *cardHead) Render() app.UI {
	return app.Header().Body(
		app.H3().Text(c.Name),
		app.Span().Class("badge state-"+c.State).Title(stateHelp[c.State]).Text(stateLabel(c.State)),
	)
}

// cardFields is a card's list of status fields, as shown. The store's
// fields (applied, revision, compact rev, keys, hash, store) are a running
// member's: Stale, they are the last known ones, seen at tick KnownAt;
// Unknown, a dash.
type cardFields struct {
	app.Compo
	Term, Leader, Commit, Applied, Revision, CompactRev, Keys, Hash, Snapshot, Log, Store string
	Stale, Unknown                                                                        bool
	KnownAt                                                                               string
}

func (c *cardFields) Render() app.UI {
	// Each value's dd has a data-bind: on the page the refresh writes it
	// (card_binds.go).
	field := func(name, bind, value string) app.UI {
		return app.Div().Class("field").Body(fieldName(name), app.Dd().DataSet("bind", bind).Text(value))
	}
	// storeField is a field only a running member knows.
	storeField := func(name, bind, value string) app.UI {
		switch {
		case c.Unknown:
			return app.Div().Class("field unknown").Body(fieldName(name), app.Dd().DataSet("bind", bind).Aria("label", "unknown").Text(value))
		case c.Stale:
			return app.Div().Class("field stale").Body(fieldName(name),
				app.Dd().DataSet("bind", bind).Title("last known value, seen at tick "+c.KnownAt).Text(value))
		}
		return field(name, bind, value)
	}
	return app.Dl().Body(
		app.Div().Class("field").Body(fieldName("term"), app.Dd().Text(c.Term)),
		app.Div().Class("field").Body(fieldName("leader"), app.Dd().Text(c.Leader)),
		field("commit", "commit", c.Commit),
		storeField("applied", "applied", c.Applied),
		storeField("revision", "revision", c.Revision),
		storeField("compact rev", "compact-rev", c.CompactRev),
		storeField("keys", "keys", c.Keys),
		storeField("hash", "hash", c.Hash),
		field("snapshot", "snapshot", c.Snapshot),
		field("log", "log", c.Log),
		storeField("store", "store", c.Store),
	)
}

// cardProgress is the leader's view of each follower's replication, a
// line each (hidden on other members).
type cardProgress struct {
	app.Compo
	Lines []string
}

func (c *cardProgress) Render() app.UI {
	return app.Ul().Class("progress-list").Aria("label", "replication progress").Hidden(len(c.Lines) == 0).Body(
		app.Range(c.Lines).Slice(func(i int) app.UI { return app.Li().DataSet("bind", "progress-"+itoa(uint64(i))).Text(c.Lines[i]) }),
	)
}

// cardActions is a card's buttons: Kill or Restart, Isolate or Rejoin,
// Make leader. P never changes.
type cardActions struct {
	app.Compo
	P                      *playground
	ID                     uint64
	Name                   string
	Down, Isolated, Leader bool
}

func (c *cardActions) Render() app.UI {
	p, id, name, down := c.P, c.ID, c.Name, c.Down
	net, netLabel := "isolate", "Isolate"
	if c.Isolated {
		net, netLabel = "rejoin", "Rejoin"
	}
	act, actLabel, actClass := "kill", "Kill", "power danger"
	if down {
		act, actLabel, actClass = "restart", "Restart", "power"
	}
	return app.Div().Class("card-actions").Body(
		// One button that turns from Kill into Restart and back, in
		// place: a keyboard user who pressed it keeps focus on it.
		app.Button().Type("button").Class(actClass).
			DataSet("action", act).DataSet("member", id).
			Aria("label", actLabel+" "+name).Text(actLabel).
			OnClick(p.onAct(act+" "+name, func(e engine.Engine) error {
				if act == "restart" {
					return e.Restart(id)
				}
				return e.Kill(id)
			})),
		// Isolate turns into Rejoin, in place, while every link of
		// the member is cut: how to undo it is where it was done.
		app.Button().Type("button").
			DataSet("action", net).DataSet("member", id).
			Aria("label", netLabel+" "+name).Text(netLabel).
			OnClick(p.onAct(net+" "+name, func(e engine.Engine) error {
				if net == "rejoin" {
					for _, other := range e.Members() {
						if other != id {
							e.HealLink(id, other)
							e.HealLink(other, id)
						}
					}
					return nil
				}
				e.Isolate(id)
				return nil
			})),
		app.Button().Type("button").
			DataSet("action", "transfer").DataSet("member", id).
			Disabled(down || c.Leader).
			Aria("label", "Make leader: "+name).Title("transfer leadership to "+name).Text("Make leader").
			OnClick(p.onAct("transfer leadership to "+name, func(e engine.Engine) error { return e.TransferLeadership(id) })),
	)
}

// fieldHelp explains each card field in a tooltip, for a newcomer.
var fieldHelp = map[string]string{
	"term":        "Raft term: an election starts a new one (read from disk while the member is down)",
	"leader":      "the leader this member follows",
	"commit":      "the highest log index this member knows to be committed by a majority",
	"applied":     "the highest log index this member applied to its store",
	"revision":    "the store's revision: every write adds one",
	"compact rev": "history before this revision was dropped by a compaction; -1: never compacted",
	"keys":        "keys in the store",
	"hash":        "HashKV of the store at the revision the indicator above the cards names: equal data, equal hash",
	"snapshot":    "log index of the member's latest Raft snapshot (0: none)",
	"log":         "the Raft log's entries this member still holds: those before were compacted away after a snapshot",
	"store":       "size of the store's data",
}

func fieldName(name string) app.UI { return app.Dt().Title(fieldHelp[name]).Text(name) }

// isolated reports whether every link to and from member id is cut.
func (v liveView) isolated(id uint64) bool {
	n := 0
	for _, l := range v.links {
		if l.From == id || l.To == id {
			if !l.Cut {
				return false
			}
			n++
		}
	}
	return n > 0
}

// downNote says why a down (or loading) member's card shows what it shows.
func downNote(state string, stale bool, knownAt string) string {
	if state != "down" && state != "loading" {
		return ""
	}
	what := "Down"
	if state == "loading" {
		what = "Loading from storage"
	}
	if stale {
		return what + ": greyed values are the last known, seen at tick " + knownAt + "."
	}
	return what + ": its store is not running, so its data is unknown until it restarts."
}

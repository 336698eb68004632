package app

import (
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"golang.org/x/net/html"
)

// Every value a card binds is what go-app draws in the element that binds
// it: on the page the refresh writes the binds between two draws of the
// cards (card_binds_js.go), so the two must agree. The page shows a
// leader with progress lines, a follower in a campaign, a down member
// with last known values (stale) and one never seen up (unknown).
func TestCardBindsMatchRender(t *testing.T) {
	p := populated()
	p.view.members = append(p.view.members,
		engine.MemberView{ID: 4, Name: "etcd-4", State: "down", Term: 2, Commit: 7, LastIndex: 8, CompactedIndex: 2},
		engine.MemberView{ID: 5, Name: "etcd-5", State: "candidate", Term: 4, ElectionElapsed: 3, ElectionTimeout: 14, VotesGranted: 1})
	p.view.members[0].ElectionTimeout, p.view.members[0].HeartbeatElapsed, p.view.members[0].HeartbeatTimeout = 12, 1, 2
	p.view.known = map[uint64]knownMember{4: {MemberView: engine.MemberView{Applied: 6, Revision: 5, Keys: 3, Hash: 7, StoreBytes: 2048}, At: 30}}
	e := app.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	doc, err := html.Parse(strings.NewReader(app.HTMLString(p)))
	if err != nil {
		t.Fatal(err)
	}
	cards := map[string]*html.Node{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "article" && nodeAttr(n, "data-member") != "" {
			cards[nodeAttr(n, "data-member")] = n
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	checked := 0
	for _, m := range p.view.members {
		card := cards[itoa(m.ID)]
		if card == nil {
			t.Fatalf("no card for member %d", m.ID)
		}
		els := map[string]*html.Node{"card": card}
		var find func(*html.Node)
		find = func(n *html.Node) {
			if b := nodeAttr(n, "data-bind"); b != "" {
				if els[b] != nil {
					t.Errorf("member %d: two elements bind %q", m.ID, b)
				}
				els[b] = n
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				find(c)
			}
		}
		for c := card.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
		bs := p.cardBinds(m)
		if strings.Contains(fmtBinds(bs), "progress-") != (len(m.Progress) > 0) {
			t.Errorf("member %d: progress binds %v for %d followers", m.ID, bs, len(m.Progress))
		}
		for _, b := range bs {
			el := els[b.el]
			if el == nil {
				t.Errorf("member %d: no element binds %q", m.ID, b.el)
				continue
			}
			var got string
			switch {
			case b.attr == "":
				got = nodeText(el)
			case b.attr == ".value": // drawn as the attribute
				got = nodeAttr(el, "value")
			default:
				got = nodeAttr(el, b.attr)
			}
			if got != b.value {
				t.Errorf("member %d: %s %q shows %q; binds %q", m.ID, b.el, b.attr, got, b.value)
			}
			checked++
		}
	}
	if checked < 5*30 {
		t.Fatalf("checked %d binds", checked)
	}
}

func fmtBinds(bs binds) string {
	var s []string
	for _, b := range bs {
		s = append(s, b.el)
	}
	return strings.Join(s, " ")
}

func nodeAttr(n *html.Node, k string) string {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val
		}
	}
	return ""
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

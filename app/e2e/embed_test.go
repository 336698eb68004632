//go:build browser

package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// event is one message the playground posted to the docs page.
type event struct {
	Type     string          `json:"type"`
	ID       string          `json:"id"`
	Cmd      string          `json:"cmd"`
	OK       *bool           `json:"ok"`
	Error    string          `json:"error"`
	Result   json.RawMessage `json:"result"`
	Version  string          `json:"version"`
	Members  []uint64        `json:"members"`
	Leader   uint64          `json:"leader"`
	Term     uint64          `json:"term"`
	Agreed   bool            `json:"agreed"`
	Revision int64           `json:"revision"`
}

// docsPage is web/embed-example.html served from its own origin, embedding
// the playground from the harness's origin.
type docsPage struct {
	*tab
	origin    string
	navigated time.Time // when the tab started loading the docs page
}

// openDocs serves web/ at a new origin on host and opens the example page
// there, embedding the playground with the given extra parameters.
func openDocs(t *testing.T, host string, params url.Values) docsPage {
	t.Helper()
	origin := serveFiles(t, host, filepath.Join("..", "..", "web"))
	params.Set("playground", siteURL)
	tb := newTab(t, 2*time.Minute)
	d := docsPage{tab: tb, origin: origin, navigated: time.Now()}
	tb.run(chromedp.Navigate(origin + "/embed-example.html?" + params.Encode()))
	return d
}

// events returns every message the docs page received so far.
func (d docsPage) events() []event {
	d.t.Helper()
	var evs []event
	d.eval(`window.playgroundEvents || []`, &evs)
	return evs
}

// waitEvent waits for a message satisfying the JavaScript condition on m
// and returns the first one.
func (d docsPage) waitEvent(cond, what string) event {
	d.t.Helper()
	return d.waitEventAfter(0, cond, what)
}

// waitEventAfter is waitEvent among the messages after the first n.
func (d docsPage) waitEventAfter(n int, cond, what string) event {
	d.t.Helper()
	d.waitJS(fmt.Sprintf(`(window.playgroundEvents || []).slice(%d).some(m => %s)`, n, cond), what)
	var e event
	d.eval(fmt.Sprintf(`window.playgroundEvents.slice(%d).find(m => %s)`, n, cond), &e)
	return e
}

// mark is the number of messages received so far.
func (d docsPage) mark() int {
	d.t.Helper()
	var n int
	d.eval(`(window.playgroundEvents || []).length`, &n)
	return n
}

// send posts a command through the page's send() and returns its id.
func (d docsPage) send(cmd string) string {
	d.t.Helper()
	var id string
	d.eval(`send(`+cmd+`)`, &id)
	return id
}

// result waits for the result of command id.
func (d docsPage) result(id string) event {
	d.t.Helper()
	return d.waitEvent(fmt.Sprintf(`m.type === "result" && m.id === %q`, id), "the result of command "+id)
}

// A docs page on another site (localhost vs 127.0.0.1) embeds the
// playground with ?embed=1, receives its status events, drives it with
// every command and sees the cluster react; commands from an origin the
// playground does not allow are refused.
func TestEmbedPostMessage(t *testing.T) {
	d := openDocs(t, "localhost", url.Values{"members": {"3"}, "speed": {"50"}})

	ready := d.waitEvent(`m.type === "ready"`, "the ready event")
	if len(ready.Members) != 3 || ready.Version == "" {
		t.Errorf("ready = %+v, want 3 members and a version", ready)
	}
	first := d.waitEvent(`m.type === "leader" && m.leader !== 0`, "a leader event")
	t.Logf("embedded (3 members, 50 ticks/s): first leader %d %v after navigating the docs page", first.Leader, since(d.navigated))

	put := d.result(d.send(`{cmd: "put", key: "greeting", value: "hello"}`))
	var pr struct{ Revision int64 }
	if put.OK == nil || !*put.OK || json.Unmarshal(put.Result, &pr) != nil || pr.Revision < 2 {
		t.Fatalf("put result %+v", put)
	}
	get := d.result(d.send(`{cmd: "get", key: "greeting", serializable: true}`))
	var gr struct {
		KVs []struct{ Key, Value string }
	}
	if get.OK == nil || !*get.OK || json.Unmarshal(get.Result, &gr) != nil || len(gr.KVs) != 1 || gr.KVs[0].Value != "hello" {
		t.Fatalf("get result %+v", get)
	}
	hash := d.waitEvent(fmt.Sprintf(`m.type === "hash" && m.agreed && m.revision >= %d`, pr.Revision), "the members' hashes to agree at the put's revision")
	t.Logf("hash agreement at revision %d across %v", hash.Revision, hash.Members)

	// Kill the leader: the result, then a new leader event.
	beforeKill := d.mark()
	kill := d.result(d.send(fmt.Sprintf(`{cmd: "kill", member: %d}`, first.Leader)))
	if kill.OK == nil || !*kill.OK {
		t.Fatalf("kill result %+v", kill)
	}
	next := d.waitEventAfter(beforeKill, fmt.Sprintf(`m.type === "leader" && m.leader !== 0 && m.leader !== %d`, first.Leader), "a new leader after the kill")
	status := d.result(d.send(`{cmd: "status"}`))
	var st struct {
		Leader  uint64
		Members []struct {
			ID    uint64
			State string
		}
	}
	if json.Unmarshal(status.Result, &st) != nil || len(st.Members) != 3 || st.Members[first.Leader-1].State != "down" {
		t.Errorf("status after killing %d: %s", first.Leader, status.Result)
	}
	if r := d.result(d.send(fmt.Sprintf(`{cmd: "restart", member: %d}`, first.Leader))); r.OK == nil || !*r.OK {
		t.Errorf("restart result %+v", r)
	}

	// Partition the new leader away from the other two: they elect a
	// leader of their own; heal.
	others := []uint64{}
	for _, id := range []uint64{1, 2, 3} {
		if id != next.Leader {
			others = append(others, id)
		}
	}
	groups, _ := json.Marshal([][]uint64{{next.Leader}, others})
	beforePartition := d.mark()
	if r := d.result(d.send(`{cmd: "partition", groups: ` + string(groups) + `}`)); r.OK == nil || !*r.OK {
		t.Fatalf("partition result %+v", r)
	}
	d.waitEventAfter(beforePartition, fmt.Sprintf(`m.type === "leader" && (m.leader === %d || m.leader === %d) && m.term > %d`, others[0], others[1], next.Term),
		"the majority side to elect its own leader")
	if r := d.result(d.send(`{cmd: "heal"}`)); r.OK == nil || !*r.OK {
		t.Errorf("heal result %+v", r)
	}
	stress := d.result(d.send(`{cmd: "stress", count: 100, rate: 10, keys: 10}`))
	var sr struct{ Total, Done, OK int }
	if json.Unmarshal(stress.Result, &sr) != nil || sr.Done != 100 || sr.OK == 0 {
		t.Errorf("stress result %s", stress.Result)
	}
	bad := d.result(d.send(`{cmd: "kill", member: 9}`))
	if bad.OK == nil || *bad.OK || bad.Error == "" {
		t.Errorf("kill of a missing member: %+v", bad)
	}
	t.Logf("docs page at %s drove the playground: %d events", d.origin, len(d.events()))
}

// A page whose origin is not in allow= still receives status events (they
// go to any parent), but its commands are refused with an error event and
// change nothing.
func TestEmbedRefusesOriginNotAllowed(t *testing.T) {
	d := openDocs(t, "localhost", url.Values{"allow": {"https://docs.example"}})
	ready := d.waitEvent(`m.type === "ready"`, "the ready event (status events go to any parent)")
	first := d.waitEvent(`m.type === "leader" && m.leader !== 0`, "a leader event")
	// The refusal echoes no id: the playground never reads a message
	// from an origin it does not allow.
	n := d.mark()
	d.send(fmt.Sprintf(`{cmd: "kill", member: %d}`, first.Leader))
	r := d.waitEventAfter(n, `m.type === "result"`, "the refusal")
	if r.OK == nil || *r.OK || !strings.Contains(r.Error, d.origin+" may not send commands") || r.ID != "" {
		t.Fatalf("a command from %s (allow=https://docs.example) got %+v, want an error naming the origin", d.origin, r)
	}
	if len(ready.Members) != 5 {
		t.Errorf("ready = %+v, want the default 5 members", ready)
	}
	t.Logf("refused: %s", r.Error)
}

// ?embed=1 is the compact layout: the time controls, the cluster view, the
// cards and the fault controls, no page header; panels= picks others; the
// URL's cluster size and speed apply; a bad parameter is named, not fatal.
func TestEmbedLayout(t *testing.T) {
	tb := newTab(t, time.Minute)
	tb.goTo(siteURL + "?embed=1&members=7&speed=50")
	tb.waitLeader()
	var got struct {
		Embed, Header, View, Cards, Faults, Console, Log int
		Speed                                            string
	}
	count := `(sel) => document.querySelectorAll(sel).length`
	tb.eval(`(() => { const n = `+count+`; return {embed: n('.playground.embed'), header: n('header.top'), view: n('figure.view'),
		cards: n('.card[data-member]'), faults: n('[data-action="kill"]'), console: n('#console-input'), log: n('.panel.events'),
		speed: document.querySelector('#speed').value}; })()`, &got)
	if got.Embed != 1 || got.Header != 0 || got.View != 1 || got.Cards != 7 || got.Faults == 0 || got.Console != 0 || got.Log != 0 || got.Speed != "50" {
		t.Errorf("embed layout: %+v; want the embed root, no header, 7 cards, fault controls, no console or log, speed 50", got)
	}

	tb.goTo(siteURL + "?embed=1&panels=console,nope")
	tb.waitJS(`document.querySelector('#console-input') !== null`, "the console panel")
	var cards int
	tb.eval(`document.querySelectorAll('.card[data-member]').length`, &cards)
	if cards != 0 {
		t.Errorf("panels=console shows %d cards", cards)
	}
	var notice string
	tb.eval(`document.body.innerText`, &notice)
	if !strings.Contains(notice, `no panel "nope"`) {
		t.Errorf("the page does not name the ignored panel: %.300q", notice)
	}
}

// A docs page that embeds the same playground twice (same members and
// seed, so the same stored cluster: one site's frames share IndexedDB and
// its tab lock) gets two running clusters: the frame that finds the
// stored one taken runs its own in memory, and says so, instead of
// waiting forever with no cluster and no word.
func TestEmbedTwiceOnOnePage(t *testing.T) {
	docs, _ := docsSite(t, func(site string) string {
		src := site + "?embed=1&members=3"
		return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>docs</title></head><body>
<iframe id="a" src="` + src + `" title="first playground" width="900" height="560"></iframe>
<iframe id="b" src="` + src + `" title="second playground" width="900" height="560"></iframe>
<script>
window.ready = {a: 0, b: 0};
window.addEventListener("message", (e) => {
  for (const id of ["a", "b"]) {
    if (e.source === document.getElementById(id).contentWindow && e.data && e.data.type === "ready") window.ready[id]++;
  }
});
</script></body></html>`
	})
	tb := blankTab(t, time.Minute)
	tb.run(chromedp.Navigate(docs))
	frameLeader := func(id string) string {
		return `(() => { const d = document.getElementById('` + id + `').contentDocument;
			return d !== null && d.querySelector('.playground[data-ready="true"] .card[data-state="leader"]') !== null; })()`
	}
	tb.waitJS(frameLeader("a")+" && "+frameLeader("b"), "a leader in both frames")
	tb.waitJS(`window.ready.a === 1 && window.ready.b === 1`, "a ready event from each frame")
	var notes []string
	tb.eval(`['a', 'b'].map(id => { const n = document.getElementById(id).contentDocument.querySelector('[data-embed-storage]');
		return n ? n.dataset.embedStorage + ': ' + n.textContent : ''; })`, &notes)
	if (notes[0] == "") == (notes[1] == "") || !strings.Contains(notes[0]+notes[1], "memory") {
		t.Errorf("storage notes of the two frames: %q; want one frame to say it runs in memory", notes)
	}
	t.Logf("frames: %q", notes)
}

// allow= may name an origin with its scheme's default port, as a docs
// writer copying it from a URL might (http://localhost:80): the browser's
// MessageEvent.origin leaves that port out, and commands from that page
// are obeyed. (It serves the docs page on port 80: skipped where the test
// may not listen there.)
func TestEmbedAllowsOriginWithDefaultPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:80")
	if err != nil {
		t.Skipf("the docs page needs port 80: %v", err)
	}
	serveUntilCleanup(t, ln, http.FileServer(http.Dir(filepath.Join("..", "..", "web"))))
	tb := blankTab(t, time.Minute)
	d := docsPage{tab: tb, origin: "http://localhost", navigated: time.Now()}
	q := url.Values{"playground": {siteURL}, "members": {"3"}, "allow": {"http://localhost:80"}}
	tb.run(chromedp.Navigate(d.origin + "/embed-example.html?" + q.Encode()))
	d.waitEvent(`m.type === "leader" && m.leader !== 0`, "a leader event")
	r := d.result(d.send(`{cmd: "put", key: "port", value: "80"}`))
	if r.OK == nil || !*r.OK {
		t.Fatalf("a put from http://localhost with allow=http://localhost:80: %+v", r)
	}
}

// A crafted link cannot fill the embedded page with its own text: the
// notice of ignored parameters quotes each bad value only in part and
// lists a bounded number of problems; the playground runs with defaults.
func TestEmbedBoundsIgnoredParameters(t *testing.T) {
	long := strings.Repeat("Your session expired: sign in again at evil.example. ", 20)
	var junk []string
	for i := 0; i < 100; i++ {
		junk = append(junk, fmt.Sprintf("panel%d", i))
	}
	tb := newTab(t, time.Minute)
	tb.goTo(siteURL + "?" + url.Values{"embed": {"1"}, "members": {long}, "panels": {strings.Join(junk, ",")}}.Encode())
	tb.waitLeader()
	var notice string
	var cards int
	tb.eval(`document.querySelector('.url-problems').textContent`, &notice)
	tb.eval(`document.querySelectorAll('.card[data-member]').length`, &cards)
	if len(notice) > 800 || !strings.Contains(notice, `members="Your session expired`) || !strings.Contains(notice, "more") {
		t.Errorf("the notice of ignored parameters is %d bytes: %.300q…", len(notice), notice)
	}
	if cards != 5 {
		t.Errorf("%d cards, want the default 5", cards)
	}
	t.Logf("notice (%d bytes): %s", len(notice), notice)
}

// A command whose field has the wrong JSON type (member "2", as read from
// a data- attribute) gets an error naming the field, instead of no answer
// at all; nothing happens to the cluster.
func TestEmbedNamesFieldOfWrongType(t *testing.T) {
	d := openDocs(t, "localhost", url.Values{"members": {"3"}})
	d.waitEvent(`m.type === "leader" && m.leader !== 0`, "a leader event")
	bad := d.send(`{cmd: "kill", member: "2"}`)
	d.result(d.send(`{cmd: "status"}`)) // answered after the bad command was handled
	var r []event
	d.eval(fmt.Sprintf(`window.playgroundEvents.filter(m => m.type === "result" && m.id === %q)`, bad), &r)
	if len(r) != 1 || r[0].OK == nil || *r[0].OK || !strings.Contains(r[0].Error, "member must be") || r[0].Cmd != "kill" {
		t.Fatalf("kill with member \"2\": results %+v, want one error naming member", r)
	}
	st := d.result(d.send(`{cmd: "status"}`))
	if strings.Contains(string(st.Result), `"down"`) {
		t.Errorf("a member is down after the refused kill: %s", st.Result)
	}
	t.Logf("refused: %s", r[0].Error)
}

// An embedded playground whose stored cluster another tab of the site
// takes over ("Take it over here" on the full page) says so in its bar and
// offers a reload, instead of stopping without a word.
func TestEmbedSaysWhenTakenOver(t *testing.T) {
	docs, site := docsSite(t, func(site string) string {
		return docsWithFrame(`<iframe src="` + site + `?embed=1&members=3" title="etcd playground" width="900" height="560"></iframe>`)
	})
	tb := blankTab(t, 2*time.Minute)
	tb.run(chromedp.Navigate(docs))
	tb.waitJS(`(() => { const d = document.querySelector('iframe').contentDocument;
		return d !== null && d.querySelector('.playground[data-ready="true"] .card[data-state="leader"]') !== null; })()`, "a leader in the embedded playground")
	tb2 := tb.sibling(2 * time.Minute)
	tb2.run(chromedp.Navigate(site + "?members=3"))
	tb2.waitJS(`document.querySelector('.storage[data-storage="elsewhere"]') !== null`, "the full page to say the cluster is open elsewhere")
	tb2.clickAction("take-over", 0)
	tb2.waitLeader()
	tb.waitJS(`(() => { const d = document.querySelector('iframe').contentDocument;
		return d.querySelector('[data-embed-storage="lost"] [data-action="reload"]') !== null; })()`, "the embedded playground to say it was taken over")
	var line string
	tb.eval(`document.querySelector('iframe').contentDocument.querySelector('[data-embed-storage]').textContent`, &line)
	t.Logf("embedded page: %s", line)
}

package embed

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
)

// posted collects what the API sends, with the origin it was sent to.
type posted struct {
	mu   sync.Mutex
	msgs []Message
	to   []string
	more chan struct{} // signalled on every post
}

func newPosted() *posted { return &posted{more: make(chan struct{}, 1000)} }

func (p *posted) post(m Message, to string) {
	p.mu.Lock()
	p.msgs, p.to = append(p.msgs, m), append(p.to, to)
	p.mu.Unlock()
	p.more <- struct{}{}
}

// next waits for the i-th message (0-based).
func (p *posted) next(t *testing.T, i int) (Message, string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		p.mu.Lock()
		if len(p.msgs) > i {
			m, to := p.msgs[i], p.to[i]
			p.mu.Unlock()
			return m, to
		}
		p.mu.Unlock()
		select {
		case <-p.more:
		case <-deadline:
			t.Fatalf("no message #%d", i)
		}
	}
}

func (p *posted) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.msgs)
}

const docs = "https://docs.example"

// testLimits are the page's stress bounds (its stress panel's) when these
// tests were written.
var testLimits = Limits{StressRate: 100, StressCount: 20000}

func fiveMembers() []engine.MemberView {
	ms := make([]engine.MemberView, 5)
	for i := range ms {
		ms[i] = engine.MemberView{ID: uint64(i + 1), State: "follower"}
	}
	return ms
}

// A message from an origin that is not allowed is answered with an error
// naming the origin, to that origin only, without being read (so it echoes
// no id or cmd), and never reaches the engine; the same command from an
// allowed origin does.
func TestAPIRefusesOriginsNotAllowed(t *testing.T) {
	f := &fakeEngine{members: fiveMembers()}
	out := newPosted()
	a := newMessageAPI(f, []string{docs}, testLimits, out.post)

	a.handle("https://evil.example", []byte(`{"etcdplay":1,"id":"a","cmd":"kill","member":2}`))
	m, to := out.next(t, 0)
	if m.Type != "result" || m.OK == nil || *m.OK || !strings.Contains(m.Error, "https://evil.example may not send commands") ||
		m.ID != nil || m.Cmd != "" {
		t.Errorf("refusal = %+v", m)
	}
	if to != "https://evil.example" {
		t.Errorf("refusal sent to %q, want the sender's origin", to)
	}
	if len(f.calls) != 0 {
		t.Errorf("a refused command reached the engine: %q", f.calls)
	}

	a.handle(docs, []byte(`{"etcdplay":1,"id":7,"cmd":"kill","member":2}`))
	m, to = out.next(t, 1)
	if m.OK == nil || !*m.OK || string(m.ID) != "7" || to != docs {
		t.Errorf("allowed kill = %+v to %q", m, to)
	}
	if len(f.calls) != 1 || f.calls[0] != "kill" {
		t.Errorf("engine calls %q, want one kill", f.calls)
	}
}

// Messages that are not etcd-play commands (not an object with an
// "etcdplay" field, exactly so named, that is not null) are ignored
// without a reply when they come from an allowed origin: pages receive
// unrelated messages. From any other origin every message gets the one
// refusal, as the page never reads them.
func TestAPIIgnoresForeignMessages(t *testing.T) {
	f := &fakeEngine{members: fiveMembers()}
	out := newPosted()
	a := newMessageAPI(f, []string{docs}, testLimits, out.post)
	foreign := []string{``, `null`, `"hello"`, `42`, `[1,2]`, `{"cmd":"kill","member":1}`, `{"type":"webpackOk"}`, `{not json`,
		`{"etcdplay":null,"cmd":"kill","member":1}`, `{"Etcdplay":1,"cmd":"kill","member":1}`, `{"etcdplay":1,"cmd":"kill"} trailing`}
	for _, data := range foreign {
		a.handle(docs, []byte(data))
	}
	if n := out.count(); n != 0 {
		t.Errorf("%d replies to foreign messages: %+v", n, out.msgs)
	}
	for i, data := range foreign {
		a.handle("https://evil.example", []byte(data))
		if m, _ := out.next(t, i); !strings.Contains(m.Error, "may not send commands") {
			t.Errorf("%q from a refused origin: %+v", data, m)
		}
	}
	if len(f.calls) != 0 {
		t.Errorf("foreign messages reached the engine: %q", f.calls)
	}
}

// Every invalid command gets an error naming the problem, and nothing
// reaches the engine.
func TestAPIValidation(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{`{"etcdplay":2,"cmd":"status"}`, "protocol version 2"},
		{`{"etcdplay":1}`, "cmd is required"},
		{`{"etcdplay":1,"cmd":"reboot"}`, `unknown cmd "reboot"`},
		{`{"etcdplay":1,"cmd":"kill"}`, "kill: there is no leader now"},
		{`{"etcdplay":1,"cmd":"kill","member":0}`, "kill: there is no leader now"},
		{`{"etcdplay":1,"cmd":"restart"}`, "restart needs a member"},
		{`{"etcdplay":1,"cmd":"restart","member":0}`, "restart needs a member"},
		{`{"etcdplay":1,"cmd":"restart","member":9}`, "no member 9"},
		{`{"etcdplay":1,"cmd":"partition","groups":[[1,2,3,4,5]]}`, "at least two groups"},
		{`{"etcdplay":1,"cmd":"partition","groups":[[1,2],[]]}`, "a group is empty"},
		{`{"etcdplay":1,"cmd":"partition","groups":[[1,2],[2,3]]}`, "member 2 is in two groups"},
		{`{"etcdplay":1,"cmd":"partition","groups":[[1,2],[8]]}`, "no member 8"},
		{`{"etcdplay":1,"cmd":"put","value":"v"}`, "key is required"},
		{`{"etcdplay":1,"cmd":"put","key":""}`, "key is required"},
		{`{"etcdplay":1,"cmd":"put","key":"` + strings.Repeat("k", maxKeyBytes+1) + `"}`, "key is longer"},
		{`{"etcdplay":1,"cmd":"put","key":"k","value":"` + strings.Repeat("v", maxValueBytes+1) + `"}`, "value is longer"},
		{`{"etcdplay":1,"cmd":"get"}`, "key is required"},
		{`{"etcdplay":1,"cmd":"stress"}`, "count must be"},
		{`{"etcdplay":1,"cmd":"stress","count":10,"rate":1000}`, "rate must be"},
		{`{"etcdplay":1,"cmd":"stress","count":10,"keys":-1}`, "keys must be"},
		{`{"etcdplay":1,"cmd":"stress","count":10,"sequential":true,"keys":5}`, "keys does not apply"},
		{`{"etcdplay":1,"cmd":"stress","count":10,"start":0}`, "start applies only to a sequential run"},
		{`{"etcdplay":1,"cmd":"stress","count":10,"sequential":true,"start":-1}`, "start must be 0.."},
		{`{"etcdplay":1,"cmd":"stress","count":10,"sequential":true,"start":1000000001}`, "start must be 0.."},
		{`{"etcdplay":1,"cmd":"stress","sequential":true}`, "count must be"},
		{`{"etcdplay":1,"cmd":"stress","count":20001,"sequential":true}`, "count must be"},
		// A field of the wrong type is named (it used to go unanswered).
		{`{"etcdplay":1,"cmd":"kill","member":-1}`, "member must be a whole number from 0, not number -1"},
		{`{"etcdplay":1,"id":"k","cmd":"kill","member":"2"}`, "member must be a whole number from 0, not string"},
		{`{"etcdplay":1,"cmd":"put","key":"k","value":5}`, "value must be a string, not number"},
		{`{"etcdplay":1,"cmd":"partition","groups":"1,2|3"}`, "groups must be a list of lists of member numbers, not string"},
		{`{"etcdplay":1,"cmd":"get","key":"k","serializable":"yes"}`, "serializable must be true or false"},
		{`{"etcdplay":1,"cmd":"stress","count":"10"}`, "count must be a whole number, not string"},
	} {
		f := &fakeEngine{members: fiveMembers()}
		out := newPosted()
		a := newMessageAPI(f, []string{docs}, testLimits, out.post)
		a.handle(docs, []byte(tc.data))
		m, _ := out.next(t, 0)
		if m.OK == nil || *m.OK || !strings.Contains(m.Error, tc.want) {
			t.Errorf("%.60s: got %+v, want an error mentioning %q", tc.data, m, tc.want)
		}
		if len(f.calls) != 0 {
			t.Errorf("%.60s: reached the engine: %q", tc.data, f.calls)
		}
		if strings.Contains(tc.data, `"id":"k"`) && (string(m.ID) != `"k"` || m.Cmd != "kill") {
			t.Errorf("%.60s: the reply does not echo the id and cmd: %+v", tc.data, m)
		}
	}
}

// Before the page's cluster runs, commands fail with a clear error.
func TestAPIWithoutEngine(t *testing.T) {
	out := newPosted()
	a := newMessageAPI(nil, []string{docs}, testLimits, out.post)
	a.handle(docs, []byte(`{"etcdplay":1,"cmd":"status"}`))
	if m, _ := out.next(t, 0); m.OK == nil || *m.OK || !strings.Contains(m.Error, "not running") {
		t.Errorf("got %+v", m)
	}
}

// Results marshal to the documented JSON shape.
func TestMessageJSON(t *testing.T) {
	ok, leader := true, uint64(0)
	for _, tc := range []struct {
		m    Message
		want string
	}{
		{Message{EtcdPlay: 1, Type: "result", ID: json.RawMessage(`"x"`), Cmd: "put", OK: &ok, Result: map[string]int64{"revision": 2}},
			`{"etcdplay":1,"type":"result","id":"x","cmd":"put","ok":true,"result":{"revision":2}}`},
		{Message{EtcdPlay: 1, Type: "leader", Leader: &leader}, `{"etcdplay":1,"type":"leader","leader":0}`},
		{readyMessage("v1+abc", []uint64{1, 2, 3}), `{"etcdplay":1,"type":"ready","version":"v1+abc","members":[1,2,3]}`},
		{resizeMessage(472), `{"etcdplay":1,"type":"resize","height":472}`},
	} {
		b, err := json.Marshal(tc.m)
		if err != nil || string(b) != tc.want {
			t.Errorf("marshal = %s, %v; want %s", b, err, tc.want)
		}
	}
}

// The watcher reports the leader once per change (0 when there is none),
// and a hash event once per (revision, agreement, hash) when every member
// that is up hashed the same revision.
func TestWatcherEvents(t *testing.T) {
	var w watcher
	st := fiveMembers()
	for i := range st {
		st[i].HashRevision, st[i].Hash = 1, 100
	}
	describe := func(ms []Message) string {
		var b strings.Builder
		for _, m := range ms {
			switch m.Type {
			case "leader":
				b.WriteString("leader " + itoa(*m.Leader) + " term " + itoa(m.Term) + ";")
			case "hash":
				b.WriteString("hash rev " + itoa(uint64(m.Revision)) + " agreed " + map[bool]string{true: "yes", false: "no"}[*m.Agreed] + ";")
			}
		}
		return b.String()
	}
	step := func(want string) {
		t.Helper()
		if got := describe(w.observe(st)); got != want {
			t.Errorf("events %q, want %q", got, want)
		}
	}
	step("leader 0 term 0;hash rev 1 agreed yes;")
	step("") // nothing changed
	st[2].State, st[2].Term = "leader", 2
	step("leader 3 term 2;")
	st[2].Term = 3 // re-elected in a new term
	step("leader 3 term 3;")
	// Members at different revisions: no hash event yet.
	st[0].HashRevision, st[0].Hash = 5, 500
	step("")
	for i := range st {
		st[i].HashRevision, st[i].Hash = 5, 500
	}
	step("hash rev 5 agreed yes;")
	// A down member does not count; a diverging one does.
	st[4].State, st[4].HashRevision = "down", 1
	step("")
	st[1].Hash = 501
	step("hash rev 5 agreed no;")
	st[2].State = "down" // the leader died
	step("leader 0 term 0;")
}

// A reply goes to its sender's origin when postMessage can name it (an
// http or https origin, as browsers write them); to an opaque origin, or
// for "*", it goes to the parent window whatever its origin.
func TestNamedOrigin(t *testing.T) {
	for origin, want := range map[string]bool{
		"https://docs.example":      true,
		"http://localhost:8080":     true,
		"http://[::1]:8080":         true,
		"null":                      false,
		"*":                         false,
		"":                          false,
		"file://":                   false,
		"chrome-extension://abcdef": false,
	} {
		if got := namedOrigin(origin); got != want {
			t.Errorf("namedOrigin(%q) = %v, want %v", origin, got, want)
		}
	}
}

package embed

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Malformed commands from an allowed origin: each gets one result with
// ok false whose error names the field (echoing the id, when the message
// has exactly one), and nothing reaches the engine. Field names match
// exactly, as in JavaScript: a case variant or a duplicate of a known
// field is refused, never read as that field (encoding/json alone would
// have run {CMD: "kill", MEMBER: 5} as a kill of member 5).
func TestAPIMalformedCommands(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		// Case variants, duplicates, unknown and misplaced fields.
		{`{"etcdplay":1,"id":"k","CMD":"kill","MEMBER":5}`, `field "CMD": field names are case-sensitive (did you mean cmd?)`},
		{`{"etcdplay":1,"id":"k","cmd":"status","Cmd":"restart","member":5}`, `field "Cmd": field names are case-sensitive`},
		{`{"etcdplay":1,"id":"k","cmd":"kill","Member":5}`, `field "Member": field names are case-sensitive (did you mean member?)`},
		{`{"etcdplay":1,"id":"k","cmd":"status","cmd":"restart","member":5}`, "field cmd is given twice"},
		{`{"etcdplay":1,"id":"k","cmd":"kill","member":2,"member":5}`, "field member is given twice"},
		{`{"etcdplay":1,"etcdplay":1,"id":"k","cmd":"status"}`, "field etcdplay is given twice"},
		{`{"etcdplay":1,"id":"k","cmd":"kill","memebr":2}`, `unknown field "memebr"`},
		{`{"etcdplay":1,"id":"k","cmd":"heal","member":2}`, "heal does not take member (it takes no other field)"},
		{`{"etcdplay":1,"id":"k","cmd":"kill","member":2,"groups":[[1],[2]]}`, "kill does not take groups (it takes member)"},
		// Wrong JSON types, each named.
		{`{"etcdplay":1,"id":"k","cmd":"kill","member":"x"}`, "member must be a whole number from 0, not string"},
		{`{"etcdplay":1,"id":"k","cmd":"kill","member":1e30}`, "member must be a whole number from 0, not number 1e30"},
		{`{"etcdplay":1,"id":"k","cmd":"kill","member":2.5}`, "member must be a whole number from 0, not number 2.5"},
		{`{"etcdplay":1,"id":"k","cmd":"kill","member":null}`, "member must be a whole number from 0, not null"},
		{`{"etcdplay":1,"id":"k","cmd":"kill","member":[2]}`, "member must be a whole number from 0, not a list"},
		{`{"etcdplay":1,"id":"k","cmd":"stress","count":1e30}`, "count must be a whole number, not number 1e30"},
		{`{"etcdplay":1,"id":"k","cmd":"stress","count":10,"rate":"5"}`, "rate must be a whole number, not string"},
		{`{"etcdplay":1,"id":"k","cmd":"stress","count":10,"keys":true}`, "keys must be a whole number, not true or false"},
		{`{"etcdplay":1,"id":"k","cmd":"stress","count":10,"valueSize":{}}`, "valueSize must be a whole number, not an object"},
		{`{"etcdplay":1,"id":"k","cmd":"stress","count":10,"sequential":"yes"}`, "sequential must be true or false, not string"},
		{`{"etcdplay":1,"id":"k","cmd":"stress","count":10,"sequential":true,"start":"0"}`, "start must be a whole number, not string"},
		{`{"etcdplay":1,"id":"k","cmd":"put","key":42}`, "key must be a string, not number"},
		{`{"etcdplay":1,"id":"k","cmd":"put","key":"k","value":["v"]}`, "value must be a string, not a list"},
		{`{"etcdplay":1,"id":"k","cmd":"get","key":"k","serializable":1}`, "serializable must be true or false, not number"},
		{`{"etcdplay":1,"id":"k","cmd":"partition","groups":[[1,"2"],[3]]}`, "groups must be a list of lists of member numbers, not string"},
		{`{"etcdplay":1,"id":"k","cmd":"partition","groups":{"a":[1]}}`, "groups must be a list of lists of member numbers, not an object"},
		{`{"etcdplay":1,"id":"k","cmd":7}`, "cmd must be a string, not number"},
		{`{"etcdplay":"1","id":"k","cmd":"status"}`, "etcdplay must be the number 1, not string"},
		{`{"etcdplay":true,"id":"k","cmd":"status"}`, "etcdplay must be the number 1, not true or false"},
		{`{"etcdplay":0,"id":"k","cmd":"status"}`, "protocol version 0"},
		// Too large: refused, read no further than the bound.
		{`{"etcdplay":1,"id":"k","cmd":"partition","groups":[[` + strings.Repeat("1,", 5000) + `1],[2]]}`, "a message holds at most 1024 values"},
		{`{"etcdplay":1,"id":"k","cmd":"put","key":"k","value":"` + strings.Repeat("v", maxMessageBytes) + `"}`, "at most 524288 are read"},
	} {
		f := &fakeEngine{members: fiveMembers()}
		out := newPosted()
		a := newMessageAPI(f, []string{docs}, testLimits, out.post)
		a.handle(docs, []byte(tc.data))
		m, to := out.next(t, 0)
		if m.Type != "result" || m.OK == nil || *m.OK || !strings.Contains(m.Error, tc.want) || to != docs {
			t.Errorf("%.70s: got %+v to %q, want an error mentioning %q", tc.data, m, to, tc.want)
		}
		if wantID := len(tc.data) < maxMessageBytes && !strings.Contains(tc.want, "1024 values"); wantID && string(m.ID) != `"k"` {
			t.Errorf("%.70s: the error does not echo the id: %+v", tc.data, m)
		}
		if len(f.calls) != 0 {
			t.Errorf("%.70s: reached the engine: %q", tc.data, f.calls)
		}
		time.Sleep(time.Millisecond) // a second reply would show in count
		if n := out.count(); n != 1 {
			t.Errorf("%.70s: %d replies, want 1", tc.data, n)
		}
	}
}

// A message of two million values costs nothing from an origin that is
// not allowed (it is refused unread) and is refused after reading at most
// maxMessageBytes of it from an allowed one.
func TestAPIOversizedMessages(t *testing.T) {
	huge := []byte(`{"etcdplay":1,"id":"big","cmd":"partition","groups":[[` + strings.Repeat("1,", 2_000_000) + `1],[2]]}`)
	f := &fakeEngine{members: fiveMembers()}
	out := newPosted()
	a := newMessageAPI(f, []string{docs}, testLimits, out.post)

	start := time.Now()
	a.handle("https://evil.example", huge)
	refused := time.Since(start)
	if m, _ := out.next(t, 0); !strings.Contains(m.Error, "may not send commands") {
		t.Errorf("from a refused origin: %+v", m)
	}
	start = time.Now()
	a.handle(docs, huge)
	tooLarge := time.Since(start)
	if m, _ := out.next(t, 1); !strings.Contains(m.Error, fmt.Sprintf("the message is %d bytes of JSON; at most %d are read", len(huge), maxMessageBytes)) {
		t.Errorf("from an allowed origin: %+v", m)
	}
	// Reading 4 MB of JSON takes tens of milliseconds; either answer
	// takes microseconds.
	if refused > 5*time.Millisecond || tooLarge > 5*time.Millisecond {
		t.Errorf("answering took %v (refused origin) and %v (allowed origin)", refused, tooLarge)
	}
	if len(f.calls) != 0 {
		t.Errorf("reached the engine: %q", f.calls)
	}
	t.Logf("a %d-byte message answered in %v (refused origin), %v (allowed origin)", len(huge), refused, tooLarge)
}

// member 0 (or no member) means the leader: kill kills the leader and
// says which member that was; restart, whose member is down, needs one.
func TestAPIMemberZeroIsTheLeader(t *testing.T) {
	ms := fiveMembers()
	ms[2].State = "leader"
	ms[2].Term = 2
	f := &fakeEngine{members: ms}
	out := newPosted()
	a := newMessageAPI(f, []string{docs}, testLimits, out.post)
	for i, data := range []string{`{"etcdplay":1,"cmd":"kill","member":0}`, `{"etcdplay":1,"cmd":"kill"}`} {
		a.handle(docs, []byte(data))
		m, _ := out.next(t, i)
		if r, ok := m.Result.(map[string]uint64); m.OK == nil || !*m.OK || !ok || r["member"] != 3 {
			t.Errorf("%s: %+v, want ok with result {member: 3}", data, m)
		}
	}
	if len(f.calls) != 2 || f.calls[0] != "kill" {
		t.Errorf("engine calls %q, want two kills", f.calls)
	}
	a.handle(docs, []byte(`{"etcdplay":1,"cmd":"restart","member":0}`))
	if m, _ := out.next(t, 2); m.OK == nil || *m.OK || !strings.Contains(m.Error, "restart needs a member (one of [1 2 3 4 5])") {
		t.Errorf("restart member 0: %+v", m)
	}
}

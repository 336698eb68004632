package embed

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// runningCluster is the shipped engine over a real cluster that ticks in
// the background until the test ends.
func runningCluster(t *testing.T) (*messageAPI, *posted) {
	t.Helper()
	e, c := newPausedEngine(t)
	tickUntil(t, c, "leader", func() bool { return leaderOf(e.Status()) != 0 })
	tickInBackground(t, c)
	out := newPosted()
	return newMessageAPI(e, []string{docs}, testLimits, out.post), out
}

// waitMsg waits for a posted message that match accepts and returns it.
func waitMsg(t *testing.T, out *posted, what string, match func(Message) bool) Message {
	t.Helper()
	for i := 0; ; i++ {
		m, _ := out.next(t, i)
		if match(m) {
			return m
		}
	}
}

func resultOf(id string) func(Message) bool {
	return func(m Message) bool { return m.Type == "result" && string(m.ID) == `"`+id+`"` }
}

// A watch over postMessage: its number, then its events in order (with
// prevKv), to the origin that asked; unwatch ends it with watch-end; a
// compacted start revision ends one at once, with compactRevision.
func TestWatchCommand(t *testing.T) {
	a, out := runningCluster(t)
	a.handle(docs, []byte(`{"etcdplay":1,"id":"w","cmd":"watch","key":"w/","prefix":true,"prevKv":true}`))
	r := waitMsg(t, out, "the watch's result", resultOf("w"))
	if r.OK == nil || !*r.OK {
		t.Fatalf("watch: %+v", r)
	}
	var res struct{ Watch uint64 }
	b, _ := json.Marshal(r.Result)
	json.Unmarshal(b, &res)
	if res.Watch == 0 {
		t.Fatalf("watch result %s has no watch number", b)
	}
	// The watch starts at the cluster's next tick: writes after its result
	// are seen.
	for i, cmd := range []string{
		`{"etcdplay":1,"id":"p1","cmd":"put","key":"w/a","value":"1"}`,
		`{"etcdplay":1,"id":"p2","cmd":"put","key":"other","value":"x"}`,
		`{"etcdplay":1,"id":"p3","cmd":"put","key":"w/a","value":"2"}`,
	} {
		a.handle(docs, []byte(cmd))
		if m := waitMsg(t, out, "a put", resultOf(fmt.Sprintf("p%d", i+1))); !*m.OK {
			t.Fatalf("%s: %+v", cmd, m)
		}
	}
	var got []string
	for i := 0; len(got) < 2; i++ {
		m, to := out.next(t, i)
		if m.Type != "watch" {
			continue
		}
		if to != docs || m.Watch != res.Watch {
			t.Fatalf("watch message %+v to %q", m, to)
		}
		for _, e := range m.Events {
			s := fmt.Sprintf("%s %s=%s", e.Type, e.Key, e.Value)
			if e.PrevKV != nil {
				s += " prev=" + e.PrevKV.Value
			}
			got = append(got, s)
		}
	}
	if want := "[PUT w/a=1 PUT w/a=2 prev=1]"; fmt.Sprint(got) != want {
		t.Fatalf("events %v, want %s", got, want)
	}
	a.handle(docs, []byte(fmt.Sprintf(`{"etcdplay":1,"id":"u","cmd":"unwatch","watch":%d}`, res.Watch)))
	end := waitMsg(t, out, "the watch's end", func(m Message) bool { return m.Type == "watch-end" })
	if end.Watch != res.Watch || !strings.Contains(end.Error, "canceled") {
		t.Fatalf("after unwatch: %+v", end)
	}

	// Compacted: compact through a put's revision, then watch from 1.
	a.handle(docs, []byte(`{"etcdplay":1,"id":"p4","cmd":"put","key":"w/b","value":"3"}`))
	p := waitMsg(t, out, "a put", resultOf("p4"))
	b, _ = json.Marshal(p.Result)
	var put struct{ Revision int64 }
	json.Unmarshal(b, &put)
	if _, err := a.engine().Compact(t.Context(), 1, put.Revision); err != nil {
		t.Fatal(err)
	}
	a.handle(docs, []byte(`{"etcdplay":1,"id":"old","cmd":"watch","key":"w/a","startRevision":1}`))
	end = waitMsg(t, out, "the compacted watch's end", func(m Message) bool { return m.Type == "watch-end" && m.Watch != res.Watch })
	if end.CompactRevision != put.Revision || !strings.Contains(end.Error, "compacted") {
		t.Fatalf("a watch from a compacted revision: %+v, want compactRevision %d", end, put.Revision)
	}
}

// Bad watch commands are refused with a reason, and nothing starts.
func TestWatchCommandRefusals(t *testing.T) {
	a, out := runningCluster(t)
	for i, c := range []struct{ cmd, want string }{
		{`"cmd":"watch"`, "key is required"},
		{`"cmd":"watch","key":""`, "key is required"},
		{`"cmd":"watch","key":"a","prefix":true,"end":"b"`, "prefix or end"},
		{`"cmd":"watch","key":"b","end":"a"`, "range is empty"},
		{`"cmd":"watch","key":"a","startRevision":-1`, "startRevision"},
		{`"cmd":"watch","key":"a","member":9`, "no member 9"},
		{`"cmd":"watch","key":"a","watch":1`, "does not take watch"},
		{`"cmd":"unwatch","watch":7`, "no watch 7"},
		{`"cmd":"watch","key":"a","prefix":"yes"`, "prefix must be true or false"},
	} {
		id := fmt.Sprint(i)
		a.handle(docs, []byte(`{"etcdplay":1,"id":"`+id+`",`+c.cmd+`}`))
		m := waitMsg(t, out, "a refusal", resultOf(id))
		if m.OK == nil || *m.OK || !strings.Contains(m.Error, c.want) {
			t.Errorf("%s: %+v, want an error with %q", c.cmd, m, c.want)
		}
	}
	for i := range maxWatches {
		a.handle(docs, []byte(fmt.Sprintf(`{"etcdplay":1,"id":"ok%d","cmd":"watch","key":"k"}`, i)))
		if m := waitMsg(t, out, "a watch", resultOf(fmt.Sprintf("ok%d", i))); !*m.OK {
			t.Fatalf("watch %d: %+v", i, m)
		}
	}
	a.handle(docs, []byte(`{"etcdplay":1,"id":"over","cmd":"watch","key":"k"}`))
	if m := waitMsg(t, out, "a refusal", resultOf("over")); *m.OK || !strings.Contains(m.Error, "unwatch one first") {
		t.Fatalf("watch %d: %+v, want a refusal", maxWatches+1, m)
	}
}

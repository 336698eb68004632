package embed

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// call posts cmd (with id) and returns its result message.
func call(t *testing.T, a *messageAPI, out *posted, id, cmd string) Message {
	t.Helper()
	a.handle(docs, []byte(`{"etcdplay":1,"id":"`+id+`",`+cmd+`}`))
	return waitMsg(t, out, "the result of "+id, resultOf(id))
}

func okResult(t *testing.T, m Message, dst any) {
	t.Helper()
	if m.OK == nil || !*m.OK {
		t.Fatalf("%s: %+v", m.ID, m)
	}
	b, _ := json.Marshal(m.Result)
	if err := json.Unmarshal(b, dst); err != nil {
		t.Fatal(err)
	}
}

// A txn over postMessage takes the branch its compares choose and answers
// each operation; leases are granted, attached, listed, asked and revoked,
// and revoking deletes the attached key.
func TestTxnAndLeaseCommands(t *testing.T) {
	a, out := runningCluster(t)
	var put struct{ Revision int64 }
	okResult(t, call(t, a, out, "p", `"cmd":"put","key":"t","value":"1"`), &put)
	txn := `"cmd":"txn","compare":[{"key":"t","target":"value","result":"=","value":"%s"}],
		"success":[{"op":"put","key":"t","value":"2"},{"op":"get","key":"t"}],
		"failure":[{"op":"get","key":"t"},{"op":"del","key":"t"}]`
	var res struct {
		Succeeded bool
		Revision  int64
		Responses []struct {
			Op       string
			Revision int64
			Count    int64
			Deleted  int64
			KVs      []KVResult
		}
	}
	okResult(t, call(t, a, out, "t1", fmt.Sprintf(txn, "1")), &res)
	if !res.Succeeded || len(res.Responses) != 2 || res.Responses[0].Op != "put" || res.Responses[1].KVs[0].Value != "2" {
		t.Fatalf("txn whose compare holds: %+v", res)
	}
	okResult(t, call(t, a, out, "t2", fmt.Sprintf(txn, "1")), &res)
	if res.Succeeded || len(res.Responses) != 2 || res.Responses[0].KVs[0].Value != "2" || res.Responses[1].Deleted != 1 {
		t.Fatalf("txn whose compare fails: %+v", res)
	}
	okResult(t, call(t, a, out, "t3", `"cmd":"txn","compare":[{"key":"t","target":"version","result":"=","value":0}],"success":[{"op":"put","key":"t","value":"new"}]`), &res)
	if !res.Succeeded {
		t.Fatalf("a version 0 compare on a deleted key: %+v", res)
	}

	var g struct {
		Lease string
		TTL   int64
	}
	okResult(t, call(t, a, out, "g", `"cmd":"lease","action":"grant","ttl":600`), &g)
	if g.Lease == "" || g.TTL != 600 {
		t.Fatalf("grant: %+v", g)
	}
	okResult(t, call(t, a, out, "pl", `"cmd":"put","key":"lk","value":"v","lease":"`+g.Lease+`"`), &put)
	var ttl struct {
		Lease      string
		TTL        int64
		GrantedTTL int64 `json:"grantedTtl"`
		Keys       []string
	}
	okResult(t, call(t, a, out, "ttl", `"cmd":"lease","action":"timetolive","lease":"`+g.Lease+`","withKeys":true`), &ttl)
	if ttl.Lease != g.Lease || ttl.GrantedTTL != 600 || ttl.TTL <= 0 || ttl.TTL > 600 || fmt.Sprint(ttl.Keys) != "[lk]" {
		t.Fatalf("timetolive: %+v", ttl)
	}
	var list struct{ Leases []string }
	okResult(t, call(t, a, out, "l", `"cmd":"lease","action":"list"`), &list)
	if fmt.Sprint(list.Leases) != "["+g.Lease+"]" {
		t.Fatalf("list: %+v, want [%s]", list, g.Lease)
	}
	okResult(t, call(t, a, out, "ka", `"cmd":"lease","action":"keep-alive","lease":"`+g.Lease+`"`), &g)
	okResult(t, call(t, a, out, "r", `"cmd":"lease","action":"revoke","lease":"`+g.Lease+`"`), &g)
	var get struct{ Count int64 }
	okResult(t, call(t, a, out, "gone", `"cmd":"get","key":"lk"`), &get)
	if get.Count != 0 {
		t.Fatalf("the key of a revoked lease is still there: %+v", get)
	}
	if m := call(t, a, out, "again", `"cmd":"lease","action":"timetolive","lease":"`+g.Lease+`"`); *m.OK {
		t.Fatalf("timetolive of a revoked lease: %+v", m)
	}
}

// Malformed txn and lease commands are refused, naming what is wrong.
func TestTxnAndLeaseRefusals(t *testing.T) {
	a, out := runningCluster(t)
	for i, c := range []struct{ cmd, want string }{
		{`"cmd":"txn","compare":{}`, "compare must be a list"},
		{`"cmd":"txn","compare":[{"key":"a","target":"value","result":"=","value":"x","extra":1}]`, "unknown field"},
		{`"cmd":"txn","compare":[{"key":"a","target":"colour","result":"=","value":"x"}]`, "target must be"},
		{`"cmd":"txn","compare":[{"key":"a","target":"value","result":"~","value":"x"}]`, "result must be"},
		{`"cmd":"txn","compare":[{"key":"a","target":"version","result":"=","value":"x"}]`, "whole number"},
		{`"cmd":"txn","compare":[{"key":"","target":"version","result":"=","value":1}]`, "key is required"},
		{`"cmd":"txn","success":[{"op":"put","key":"a"}]`, "put needs a value"},
		{`"cmd":"txn","success":[{"op":"move","key":"a"}]`, "op must be"},
		{`"cmd":"lease"`, "lease needs action"},
		{`"cmd":"lease","action":"grant"`, "ttl must be"},
		{`"cmd":"lease","action":"revoke"`, "needs lease"},
		{`"cmd":"lease","action":"revoke","lease":"zz"`, "not a lease ID"},
		{`"cmd":"lease","action":"list","ttl":5`, "does not take ttl"},
		{`"cmd":"lease","action":"fly"`, "unknown lease action"},
		{`"cmd":"lease","action":"grant","ttl":"5"`, "ttl must be a whole number"},
		{`"cmd":"put","key":"a","value":"b","lease":"12345"`, "lease"},
	} {
		id := fmt.Sprint("bad", i)
		m := call(t, a, out, id, c.cmd)
		if m.OK == nil || *m.OK || !strings.Contains(m.Error, c.want) {
			t.Errorf("%s: %+v, want an error with %q", c.cmd, m, c.want)
		}
	}
}

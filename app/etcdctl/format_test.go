package etcdctl

import (
	"strconv"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

func kv(k, v string) *mvcc.KeyValue { return &mvcc.KeyValue{Key: []byte(k), Value: []byte(v)} }

func TestFormatGet(t *testing.T) {
	r := &mvcc.RangeResponse{KVs: []*mvcc.KeyValue{kv("a", "1"), kv("b", "2")}, Count: 5}
	f := &fakeEngine{members: members3, getResp: r}
	tests := []struct {
		line string
		want string
	}{
		{"get a", "a\n1\nb\n2"},
		{"get a --print-value-only", "1\n2"},
		{"get a --hex", `\x61` + "\n" + `\x31` + "\n" + `\x62` + "\n" + `\x32`},
	}
	for _, tt := range tests {
		if got, err := run(t, f, 1, tt.line); err != nil || got != tt.want {
			t.Errorf("%s = %q %v, want %q", tt.line, got, err, tt.want)
		}
	}
	// --keys-only: the store returns empty values; etcdctl prints an empty line for each.
	f.getResp = &mvcc.RangeResponse{KVs: []*mvcc.KeyValue{{Key: []byte("a")}, {Key: []byte("b")}}}
	if got, want := mustRun(t, f, "get a --keys-only"), "a\n\nb\n"; got != want {
		t.Errorf("keys-only = %q, want %q", got, want)
	}
	f.getResp = &mvcc.RangeResponse{}
	if got := mustRun(t, f, "get a"); got != "" {
		t.Errorf("no keys = %q, want empty", got)
	}
	// Binary and control bytes are escaped, printable UTF-8 and markup are kept as text.
	f.getResp = &mvcc.RangeResponse{KVs: []*mvcc.KeyValue{kv("k\x00\xff", "line\nbreak"), kv("<b>é</b>", "ok")}}
	if got, want := mustRun(t, f, "get a"), `"k\x00\xff"`+"\n"+`"line\nbreak"`+"\n<b>é</b>\nok"; got != want {
		t.Errorf("binary = %q, want %q", got, want)
	}
}

// mustRun runs line on member 1 and fails the test on an error.
func mustRun(t *testing.T, f *fakeEngine, line string) string {
	t.Helper()
	out, err := run(t, f, 1, line)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return out
}

func TestFormatDel(t *testing.T) {
	f := &fakeEngine{members: members3}
	if got := mustRun(t, f, "del a --range"); got != "3" {
		t.Errorf("del = %q", got)
	}
}

var members3 = []engine.MemberView{
	{ID: 1, Name: "etcd-1", State: "leader", Term: 2, Leader: 1, Commit: 10, Applied: 10, Revision: 5, StoreBytes: 20480, Hash: 77, HashRevision: 5, CompactRevision: -1},
	{ID: 2, Name: "etcd-2", State: "follower", Term: 2, Leader: 1, Commit: 10, Applied: 9, Revision: 5, StoreBytes: 512, Hash: 77, HashRevision: 5, CompactRevision: -1},
	{ID: 3, Name: "etcd-3", State: "down"},
}

func TestFormatStatusListings(t *testing.T) {
	f := &fakeEngine{members: members3}
	id1, id2 := hexID(MemberID(1)), hexID(MemberID(2))
	got, err := run(t, f, 1, "endpoint status --endpoints=etcd-3,etcd-1,etcd-2")
	want := "Failed to get the status of endpoint http://etcd-3:2379 (context deadline exceeded)\n" +
		"http://etcd-1:2379, " + id1 + ", 3.6.16, 3.6.0, 20 kB, 20 kB, 0%, 2.1 GB, true, false, 2, 10, 10, , , false\n" +
		"http://etcd-2:2379, " + id2 + ", 3.6.16, 3.6.0, 512 B, 512 B, 0%, 2.1 GB, false, false, 2, 10, 9, , , false"
	if got != want || err != ErrFailed {
		t.Errorf("endpoint status: %v\n%s\nwant:\n%s", err, got, want)
	}
	if got, want := mustRun(t, f, "endpoint status"), "http://etcd-1:2379, "+id1+", 3.6.16, 3.6.0, 20 kB, 20 kB, 0%, 2.1 GB, true, false, 2, 10, 10, , , false"; got != want {
		t.Errorf("endpoint status lists the endpoint asked only:\n%s\nwant\n%s", got, want)
	}
	if got, want := mustRun(t, f, "endpoint hashkv --endpoints=1,2"), "http://etcd-1:2379, 77, 5\nhttp://etcd-2:2379, 77, 5"; got != want {
		t.Errorf("hashkv = %q, want %q", got, want)
	}
	f.members = members3[:1]
	got = mustRun(t, f, "member list -w table")
	want = "" +
		"+------------------+---------+--------+--------------------+--------------------+------------+\n" +
		"|        ID        | STATUS  |  NAME  |     PEER ADDRS     |    CLIENT ADDRS    | IS LEARNER |\n" +
		"+------------------+---------+--------+--------------------+--------------------+------------+\n" +
		"| " + id1 + " | started | etcd-1 | http://etcd-1:2380 | http://etcd-1:2379 |      false |\n" +
		"+------------------+---------+--------+--------------------+--------------------+------------+"
	if got != want {
		t.Errorf("member list -w table:\n%s\nwant:\n%s", got, want)
	}
	if n := strings.Count(mustRun(t, f, "endpoint status -w table"), "\n"); n != 4 {
		t.Errorf("endpoint status -w table: %d lines", n+1)
	}
}

func hexID(id uint64) string { return strconv.FormatUint(id, 16) }

func TestDisplayBytes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"},
		{"héllo 世界", "héllo 世界"},
		{"", ""},
		{"\x00\x01", `"\x00\x01"`},
		{"bad\xffutf8", `"bad\xffutf8"`},
		{"tab\there", `"tab\there"`},
		{"zero\u200bwidth", `"zero\u200bwidth"`},
	}
	for _, tt := range tests {
		if got := DisplayBytes([]byte(tt.in)); got != tt.want {
			t.Errorf("DisplayBytes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHumanBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{{0, "0 B"}, {999, "999 B"}, {1000, "1.0 kB"}, {20480, "20 kB"}, {1536000, "1.5 MB"}, {3_000_000_000, "3.0 GB"}}
	for _, tt := range tests {
		if got := HumanBytes(tt.n); got != tt.want {
			t.Errorf("HumanBytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

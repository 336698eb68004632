package etcdctl

import (
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

func kv(k, v string) *mvcc.KeyValue { return &mvcc.KeyValue{Key: []byte(k), Value: []byte(v)} }

func TestFormatGet(t *testing.T) {
	r := &mvcc.RangeResponse{KVs: []*mvcc.KeyValue{kv("a", "1"), kv("b", "2")}, Count: 5}
	tests := []struct {
		c    command
		want string
	}{
		{command{}, "a\n1\nb\n2"},
		{command{valOnly: true}, "1\n2"},
		{command{count: true}, "5"},
		{command{hex: true}, `\x61` + "\n" + `\x31` + "\n" + `\x62` + "\n" + `\x32`},
	}
	for _, tt := range tests {
		if got := formatGet(tt.c, r); got != tt.want {
			t.Errorf("formatGet(%+v) = %q, want %q", tt.c, got, tt.want)
		}
	}
	// --keys-only: the store returns empty values; etcdctl prints an empty line for each.
	ko := &mvcc.RangeResponse{KVs: []*mvcc.KeyValue{{Key: []byte("a")}, {Key: []byte("b")}}}
	if got, want := formatGet(command{keysOnly: true}, ko), "a\n\nb\n"; got != want {
		t.Errorf("keys-only = %q, want %q", got, want)
	}
	if got := formatGet(command{}, &mvcc.RangeResponse{}); got != "" {
		t.Errorf("no keys = %q, want empty", got)
	}
	// Binary and control bytes are escaped, printable UTF-8 and markup are kept as text.
	bin := &mvcc.RangeResponse{KVs: []*mvcc.KeyValue{kv("k\x00\xff", "line\nbreak"), kv("<b>é</b>", "ok")}}
	if got, want := formatGet(command{}, bin), `"k\x00\xff"`+"\n"+`"line\nbreak"`+"\n<b>é</b>\nok"; got != want {
		t.Errorf("binary = %q, want %q", got, want)
	}
}

func TestFormatDel(t *testing.T) {
	if got := formatDel(command{}, &mvcc.DeleteRangeResponse{Deleted: 2}); got != "2" {
		t.Errorf("del = %q", got)
	}
	r := &mvcc.DeleteRangeResponse{Deleted: 1, PrevKVs: []*mvcc.KeyValue{kv("a", "1")}}
	if got, want := formatDel(command{prevKV: true}, r), "1\na\n1"; got != want {
		t.Errorf("del --prev-kv = %q, want %q", got, want)
	}
}

var members3 = []engine.MemberView{
	{ID: 1, Name: "m1", State: "leader", Term: 2, Commit: 10, Applied: 10, StoreBytes: 20480, Hash: 77, HashRevision: 5, CompactRevision: -1},
	{ID: 2, Name: "m2", State: "follower", Term: 2, Commit: 10, Applied: 9, StoreBytes: 512, Hash: 77, HashRevision: 5, CompactRevision: -1},
	{ID: 3, Name: "m3", State: "down"},
}

func TestFormatStatusListings(t *testing.T) {
	got := formatEndpointStatus(command{}, members3)
	want := "Failed to get the status of endpoint m3 (context deadline exceeded)\n" +
		"m1, 1, " + etcdVersion + ", 20 kB, true, false, 2, 10, 10, \n" +
		"m2, 2, " + etcdVersion + ", 512 B, false, false, 2, 10, 9, "
	if got != want {
		t.Errorf("endpoint status:\n%s\nwant:\n%s", got, want)
	}
	if got, want := formatHashKV(command{}, members3[:2]), "m1, 77, 5, -1\nm2, 77, 5, -1"; got != want {
		t.Errorf("hashkv = %q, want %q", got, want)
	}
	got = formatMemberList(command{table: true}, members3[:1])
	want = "" +
		"+----+---------+------+------------------+------------------+------------+\n" +
		"| ID | STATUS  | NAME |    PEER ADDRS    |   CLIENT ADDRS   | IS LEARNER |\n" +
		"+----+---------+------+------------------+------------------+------------+\n" +
		"| 1  | started | m1   | inproc://m1:2380 | inproc://m1:2379 | false      |\n" +
		"+----+---------+------+------------------+------------------+------------+"
	if got != want {
		t.Errorf("member list -w table:\n%s\nwant:\n%s", got, want)
	}
}

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

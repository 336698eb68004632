package golden

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestParseTranscript(t *testing.T) {
	steps, err := ParseTranscript(strings.NewReader(`# comment
put a 1

txn
< value("a") = "1"
<
watch a
& put a 2
& del a
get a
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Step{
		{Line: "put a 1", LineNo: 2},
		{Line: "txn", LineNo: 4, Input: []string{`value("a") = "1"`, ""}},
		{Line: "watch a", LineNo: 7, During: []Step{{Line: "put a 2", LineNo: 8}, {Line: "del a", LineNo: 9}}},
		{Line: "get a", LineNo: 10},
	}
	if !reflect.DeepEqual(steps, want) {
		t.Fatalf("got %+v\nwant %+v", steps, want)
	}
	if n := Count(steps); n != 6 {
		t.Errorf("Count = %d, want 6", n)
	}
	for _, bad := range []string{"< orphan\n", "& orphan\n", "txn\n< x\n& put a 1\n"} {
		if _, err := ParseTranscript(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseTranscript(%q): no error", bad)
		}
	}
}

func TestRecordedRoundTrip(t *testing.T) {
	r := &Recorded{
		Header:  []string{"hello"},
		Cluster: Identity{ClusterID: "123", Members: []Member{{"etcd-1", "abcdef12", "http://p:1", "http://c:1"}}},
		Entries: []Entry{
			{Line: "get $LEASE", Ran: "get 1f", Result: Result{Stdout: []string{"k", "", " v "}, Exit: "0"}},
			{Line: "watch x", Ran: "watch x", Result: Result{Stderr: []string{"Error: x"}, Exit: "^C"}},
		},
	}
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRecorded(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, r)
	}
}

func testIdentity() Identity {
	return IdentityFromMemberList([]string{
		"ec35932a497ab9f, started, etcd-3, http://127.0.0.1:33380, http://127.0.0.1:33379, false",
		"f42adb34bebc1f22, started, etcd-1, http://127.0.0.1:31380, http://127.0.0.1:31379, false",
	}, []string{`{"header":{"cluster_id":16538738434561844531,"member_id":17594115913861046050,"raft_term":2},"members":[]}`})
}

func TestMaskIDsURLsAndTiming(t *testing.T) {
	m := NewMasker(testIdentity(), []string{"1f22a2453600880f"})
	got := m.Stdout("x", []string{
		"ec35932a497ab9f, started, etcd-3, http://127.0.0.1:33380, http://127.0.0.1:33379, false",
		`{"header":{"cluster_id":16538738434561844531,"member_id":17594115913861046050,"revision":2,"raft_term":2}}`,
		"lease 1f22a2453600880f granted with TTL(60s), remaining(59s)",
		"http://127.0.0.1:31379 is healthy: successfully committed proposal: took = 53.787215ms",
		"etcdctl version: 3.6.16",
		"Leadership transferred from f42adb34bebc1f22 to 0ec35932a497ab9f",
	})
	want := []string{
		"<etcd-3>, started, etcd-3, <peer:etcd-3>, <client:etcd-3>, false",
		`{"header":{"cluster_id":<cluster>,"member_id":<etcd-1>,"revision":2,"raft_term":<n>}}`,
		"lease <lease-1> granted with TTL(60s), remaining(<ttl>)",
		"<client:etcd-1> is healthy: successfully committed proposal: took = <duration>",
		"etcdctl version: 3.6.x",
		"Leadership transferred from <etcd-1> to <etcd-3>",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := m.Stderr([]string{`{"level":"warn","ts":"x"}`, "Error: 1f22a2453600880f"}); !reflect.DeepEqual(got, []string{"Error: <lease-1>"}) {
		t.Errorf("Stderr = %q", got)
	}
}

func TestMaskStatusRowsAndTables(t *testing.T) {
	m := NewMasker(testIdentity(), nil)
	row := "http://127.0.0.1:31379, f42adb34bebc1f22, 3.6.16, 3.6.0, 20 kB, 16 kB, 20%, 2.1 GB, false, false, 2, 12, 12, , , false"
	if got := m.Stdout("endpoint status", []string{row}); got[0] != "<client:etcd-1>, <etcd-1>, 3.6.x, 3.6.x, <n>, <n>, <n>, 2.1 GB, false, false, <n>, <n>, <n>, , , false" {
		t.Errorf("status row masked to %q", got[0])
	}
	if got := m.Stdout("get foo", []string{row}); got[0] == "<client:etcd-1>, <etcd-1>, 3.6.x, 3.6.x, <n>, <n>, <n>, 2.1 GB, false, false, <n>, <n>, <n>, , , false" {
		t.Errorf("a get's output had status columns masked: %q", got[0])
	}
	table := []string{
		"+------------------------+-----------+---------------+",
		"|        ENDPOINT        |   HASH    | HASH REVISION |",
		"+------------------------+-----------+---------------+",
		"| http://127.0.0.1:31379 | 908367674 |            70 |",
		"+------------------------+-----------+---------------+",
	}
	want := []string{
		"+-----------------+------+---------------+",
		"|    ENDPOINT     | HASH | HASH REVISION |",
		"+-----------------+------+---------------+",
		"| <client:etcd-1> | <n>  |            70 |",
		"+-----------------+------+---------------+",
	}
	if got := m.Stdout("endpoint hashkv -w table", table); !reflect.DeepEqual(got, want) {
		t.Errorf("table masked to\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	plain := []string{"+---+", "| a |", "+---+"}
	if got := m.Stdout("x", plain); !reflect.DeepEqual(got, plain) {
		t.Errorf("a table with nothing to mask changed: %q", got)
	}
}

func TestClassify(t *testing.T) {
	ok := func(out ...string) Result { return Result{Stdout: out, Exit: "0"} }
	fail := func(err ...string) Result { return Result{Stderr: err, Exit: "1"} }
	tests := []struct {
		want, got Result
		refused   bool
		class     Class
	}{
		{ok("a", "b"), ok("a", "b"), false, Identical},
		{ok("a  b", "c"), ok("a b", "c"), false, Cosmetic},
		{ok("a", "b"), ok("b", "a"), false, Cosmetic},
		{ok("+----+", "| a  |"), ok("+---+", "| a |"), false, Cosmetic},
		{ok("a", "b"), ok("a"), false, Different},
		{ok("a"), ok("A"), false, Different},
		{ok("a"), fail("Error: x"), true, Refused},
		{ok("a"), fail("Error: x"), false, Different},
		{fail("Error: x"), fail("Error: x"), true, Identical},
		{fail("Error: x"), fail("Error: y"), true, Different},
		{Result{Stdout: []string{"PUT"}, Exit: "^C"}, ok("PUT"), false, Identical},
		{ok(`{"h":{"id":<cluster>},"members":[{"ID":<etcd-2>,"u":["<peer:etcd-2>"]},{"ID":<etcd-1>}]}`),
			ok(`{"members":[{"ID":<etcd-1>},{"u":["<peer:etcd-2>"],"ID":<etcd-2>}],"h":{"id":<cluster>}}`), false, Cosmetic},
		{ok(`{"members":[{"ID":<etcd-2>},{"ID":<etcd-1>}]}`), ok(`{"members":[{"ID":<etcd-1>},{"ID":<etcd-3>}]}`), false, Different},
		{ok(`{"count":1}`), ok(`{"count":2}`), false, Different},
	}
	for i, tt := range tests {
		if c := Classify(tt.want, tt.got, tt.refused); c != tt.class {
			t.Errorf("%d: Classify(%+v, %+v, %v) = %s, want %s", i, tt.want, tt.got, tt.refused, c, tt.class)
		}
	}
}

func TestSubstitute(t *testing.T) {
	id := func(n string) string { return map[string]string{"etcd-2": "abc"}[n] }
	if got := Substitute("move-leader ${etcd-2} ${etcd-9} $LEASE $LEASEX", "1f", id); got != "move-leader abc ${etcd-9} 1f $LEASEX" {
		t.Errorf("Substitute = %q", got)
	}
	for out, want := range map[string]string{
		"lease 694d7a3b2c1e0f05 granted with TTL(60s)":                 "694d7a3b2c1e0f05",
		"lease 694d7a3b2c1e0f05 granted with TTL(60s), remaining(59s)": "", // timetolive
		`{"cluster_id":1,"raft_term":2,"ID":255,"TTL":900,"Error":""}`: "ff",
	} {
		if got := GrantedLease([]string{out}); got != want {
			t.Errorf("GrantedLease(%q) = %q, want %q", out, got, want)
		}
	}
}

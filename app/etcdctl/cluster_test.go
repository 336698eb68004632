package etcdctl

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
)

// console runs entries (a command line and, for a txn, its following
// lines) on member 1 of a real three-member cluster, as the console does.
type console struct {
	t   *testing.T
	eng engine.Engine
}

func newConsole(t *testing.T) *console {
	t.Helper()
	eng, err := local.Start(engine.StartRequest{Members: 3, Seed: 1, Speed: 200, Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Pause() })
	return &console{t: t, eng: eng}
}

// run returns what the console shows for text: the output, then the
// error line if it failed.
func (c *console) run(text string) string {
	c.t.Helper()
	if more, _ := More(text); more {
		c.t.Fatalf("%q: the console would still read lines", text)
	}
	cmd, err := Parse(text)
	if err != nil {
		return ErrorLine(err)
	}
	var out Lines
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = cmd.Run(ctx, c.eng, 1, &out)
	s := out.String()
	if err != nil && !errors.Is(err, ErrFailed) {
		s = strings.TrimPrefix(s+"\n"+ErrorLine(err), "\n")
	}
	return s
}

func (c *console) expect(text, want string) {
	c.t.Helper()
	if got := c.run(text); got != want {
		c.t.Errorf("%s\n got: %q\nwant: %q", text, got, want)
	}
}

// The etcdctl 3.6.16 outputs below were read from real etcd and etcdctl
// running the same commands (member and cluster IDs are this cluster's).
func TestConsoleOnARealCluster(t *testing.T) {
	c := newConsole(t)
	id1 := fmt.Sprint(MemberID(1))
	hdr := func(rev int) string {
		return fmt.Sprintf(`"header":{"cluster_id":%d,"member_id":%s,"revision":%d,"raft_term":2}`, ClusterID([]uint64{1, 2, 3}), id1, rev)
	}
	c.expect("put foo bar", "OK")
	c.expect("put foo bar2 --prev-kv", "OK\nfoo\nbar")
	c.expect("put foo bar3 --prev-kv -w json",
		"{"+hdr(4)+`,"prev_kv":{"key":"Zm9v","create_revision":2,"mod_revision":3,"version":2,"value":"YmFyMg=="}}`)
	c.expect("get foo -w json", "{"+hdr(4)+`,"kvs":[{"key":"Zm9v","create_revision":2,"mod_revision":4,"version":3,"value":"YmFyMw=="}],"count":1}`)
	c.expect("get nokey -w json", "{"+hdr(4)+"}")
	c.expect("get foo -w fields", fmt.Sprintf(`"ClusterID" : %d
"MemberID" : %s
"Revision" : 4
"RaftTerm" : 2
"Key" : "foo"
"CreateRevision" : 2
"ModRevision" : 4
"Version" : 3
"Value" : "bar3"
"Lease" : 0
"More" : false
"Count" : 1`, ClusterID([]uint64{1, 2, 3}), id1))
	c.expect("get foo --count-only", "Error: --count-only is only for `--write-out=fields`")
	c.expect("get foo --print-value-only -w json", "Error: print-value-only is only for `--write-out=simple`")
	c.expect("get foo -w table", "Error: table not supported as output format")
	c.expect("get foo --rev=100", "Error: etcdserver: mvcc: required revision is a future revision")
	c.expect("put foo --ignore-value --prev-kv", "OK\nfoo\nbar3")
	c.expect("get foo", "foo\nbar3")
	c.expect("put nokey --ignore-value", "Error: etcdserver: key not found")
	c.expect("put foo v --ignore-lease --lease=1", "Error: etcdserver: lease is provided")
	c.expect("put a 1", "OK")
	c.expect("put b 2", "OK")
	c.expect("del a c", `Warning: Keys between "a" and "c" will be deleted. Please interrupt the command within next 2 seconds to cancel. You can provide `+"`--range`"+` flag to avoid the delay.`+"\n2")
	c.expect("del a --from-key --prev-kv -w json", "{"+hdr(9)+`,"deleted":1,"prev_kvs":[{"key":"Zm9v","create_revision":2,"mod_revision":5,"version":4,"value":"YmFyMw=="}]}`)

	// Leases: grant, attach, time to live, list, revoke.
	c.expect("lease grant", "Error: lease grant command needs TTL argument")
	grant := c.run("lease grant 100")
	m := regexp.MustCompile(`^lease ([0-9a-f]{16}) granted with TTL\(100s\)$`).FindStringSubmatch(grant)
	if m == nil {
		t.Fatalf("lease grant 100: %q", grant)
	}
	lease := m[1]
	c.expect("put lk v --lease="+lease, "OK")
	ttl := c.run("lease timetolive " + lease + " --keys")
	if !regexp.MustCompile(`^lease ` + lease + ` granted with TTL\(100s\), remaining\((9[0-9]|100)s\), attached keys\(\[lk\]\)$`).MatchString(ttl) {
		t.Errorf("lease timetolive --keys: %q", ttl)
	}
	c.expect("lease list", "found 1 leases\n"+lease)
	c.expect("lease keep-alive --once "+lease, "lease "+lease+" keepalived with TTL(100)")
	c.expect("lease revoke "+lease, "lease "+lease+" revoked")
	c.expect("get lk", "")
	c.expect("lease timetolive "+lease, "lease "+lease+" already expired")
	c.expect("lease revoke "+lease, "Error: failed to revoke lease (etcdserver: requested lease not found)")
	c.expect("lease keep-alive --once "+lease, "Error: etcdserver: requested lease not found")

	// Txn, interactive and not.
	c.expect("put k1 v1", "OK")
	c.expect("txn -i\nvalue(\"k1\") = \"v1\"\n\nput k2 yes\nget k1\n\nput k2 no\n\n",
		"compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\nSUCCESS\n\nOK\n\nk1\nv1")
	c.expect("txn\nversion(\"k2\") = \"1\"\n\nput k2 yes --prev-kv\nget k2\ndel k3 --prev-kv\n\n\n",
		"SUCCESS\n\nOK\nk2\nyes\n\nk2\nyes\n\n0")
	c.expect("txn -w json\nvalue(\"k1\") != \"v1\"\n\n\nget k1\n\n",
		`{"header":{"cluster_id":`+fmt.Sprint(ClusterID([]uint64{1, 2, 3}))+`,"member_id":`+id1+`,"revision":14,"raft_term":2},"responses":[{"Response":{"response_range":{"header":{"revision":14},"kvs":[{"key":"azE=","create_revision":12,"mod_revision":12,"version":1,"value":"djE="}],"count":1}}}]}`)
	c.expect("txn\nbogus", "Error: malformed comparison: bogus")
	c.expect("txn\nvalue(\"k1\") = v1", `Error: malformed comparison: value("k1") = v1; got value("k1") = ""`)
	c.expect("txn\ncreate(\"k1\") > \"0\"\n\nfoo", "Error: invalid txn compare request: foo")
	c.expect("txn\n\nget k1 -w json\n\n", "Error: invalid txn request: get k1 -w json")
	c.expect("txn\n\nput k2 a\ndel k2\n\n", "Error: etcdserver: duplicate key given in txn request")

	// Maintenance and membership.
	c.expect("version", "etcdctl version: 3.6.16\nAPI version: 3.6")
	c.expect("alarm list", "")
	c.expect("compaction 3", "compacted revision 3")
	c.expect("compaction 1000", "Error: etcdserver: mvcc: required revision is a future revision")
	c.expect("compaction", "Error: compaction command needs 1 argument")
	if got := c.run("member list"); strings.Count(got, "\n") != 2 || !strings.Contains(got, fmt.Sprintf("%x, started, etcd-1, http://etcd-1:2380, http://etcd-1:2379, false", MemberID(1))) {
		t.Errorf("member list: %q", got)
	}
	st := c.run("endpoint status")
	if cols := strings.Split(st, ", "); len(cols) != 16 || cols[0] != "http://etcd-1:2379" || cols[1] != fmt.Sprintf("%x", MemberID(1)) || cols[2] != "3.6.16" {
		t.Errorf("endpoint status: %q", st)
	}
	if got := c.run("endpoint status --cluster"); strings.Count(got, "\n") != 2 {
		t.Errorf("endpoint status --cluster: %q", got)
	}
	if got := c.run("endpoint health --endpoints=etcd-2"); !regexp.MustCompile(`^http://etcd-2:2379 is healthy: successfully committed proposal: took = [0-9.]+[µm]?s$`).MatchString(got) {
		t.Errorf("endpoint health: %q", got)
	}
	c.expect("frob", "Error: unknown command \"frob\" for \"etcdctl\"\nRun 'etcdctl --help' for usage.")
	c.expect("gets foo", "Error: unknown command \"gets\" for \"etcdctl\"\n\nDid you mean this?\n\tget\n\nRun 'etcdctl --help' for usage.")
	if got := c.run("defrag"); !regexp.MustCompile(`^Finished defragmenting etcd member\[http://etcd-1:2379\]\. took [0-9.]+[nµm]?s$`).MatchString(got) {
		t.Errorf("defrag: %q", got)
	}
	// get's revision filters: applied before the limit; Count counts the whole range.
	c.expect("get k --prefix --min-create-rev=13 -w fields --keys-only", fmt.Sprintf(`"ClusterID" : %d
"MemberID" : %s
"Revision" : 14
"RaftTerm" : 2
"Key" : "k2"
"CreateRevision" : 13
"ModRevision" : 14
"Version" : 2
"Value" : ""
"Lease" : 0
"More" : false
"Count" : 2`, ClusterID([]uint64{1, 2, 3}), id1))
	c.expect("get k --prefix --max-mod-rev=12 --limit=1", "k1\nv1")
	c.expect("get k --prefix --min-mod-rev=9 --max-mod-rev=3", "Error: getMinModRev(=9) > getMaxModRev(=3)")
}

// More says whether an entry still reads lines, and the prompt an
// interactive txn prints before its next part.
func TestMoreReadsATxnsParts(t *testing.T) {
	tests := []struct {
		text   string
		more   bool
		prompt string
	}{
		{"put a b", false, ""},
		{"txn", true, ""},
		{"txn -i", true, "compares:"},
		{"txn -i\nmod(\"k\") > \"0\"", true, "compares:"},
		{"txn -i\nmod(\"k\") > \"0\"\n", true, "success requests (get, put, del):"},
		{"txn --interactive\n\nput a b\n", true, "failure requests (get, put, del):"},
		{"txn -i\n\n\n", false, ""},
		{"txn\nnonsense", false, ""},
		{"txn\n\nfrob x", false, ""},
		{"txn --interactive=false\n\nput a b\n", true, ""},
		{"txn extra", false, ""},
	}
	for _, tt := range tests {
		more, prompt := More(tt.text)
		if more != tt.more || prompt != tt.prompt {
			t.Errorf("More(%q) = %v %q, want %v %q", tt.text, more, prompt, tt.more, tt.prompt)
		}
	}
}

// A keep-alive without --once renews until stopped, every third of the
// TTL in cluster time, and says when the lease is gone.
func TestKeepAliveStreams(t *testing.T) {
	c := newConsole(t)
	grant := c.run("lease grant 3")
	id := strings.Fields(grant)[1]
	cmd, err := Parse("lease keep-alive " + id)
	if err != nil {
		t.Fatal(err)
	}
	out := &streamLines{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.Run(ctx, c.eng, 2, out) }()
	deadline := time.Now().Add(20 * time.Second)
	for out.len() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("keep-alive printed %q in 20 s", out.get())
		}
		time.Sleep(10 * time.Millisecond) // polling the output for the third renewal
	}
	c.expect("lease revoke "+id, "lease "+id+" revoked")
	select {
	case err := <-done:
		lines := out.get()
		if err != nil || lines[len(lines)-1] != "lease "+id+" expired or revoked." || lines[0] != "lease "+id+" keepalived with TTL(3)" {
			t.Fatalf("keep-alive ended with %v, printing %q", err, lines)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("keep-alive still runs 20 s after its lease was revoked")
	}
	cancel()
}

// streamLines is an Output read while the command runs.
type streamLines struct {
	mu    chan struct{}
	lines Lines
}

func (s *streamLines) lock() {
	if s.mu == nil {
		s.mu = make(chan struct{}, 1)
	}
	s.mu <- struct{}{}
}

func (s *streamLines) Print(lines ...string) { s.lock(); s.lines.Print(lines...); <-s.mu }
func (s *streamLines) len() int              { s.lock(); defer func() { <-s.mu }(); return len(s.lines) }
func (s *streamLines) get() Lines {
	s.lock()
	defer func() { <-s.mu }()
	return append(Lines(nil), s.lines...)
}

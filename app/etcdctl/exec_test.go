package etcdctl

import (
	"context"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// run parses and runs line through the package's API and returns the
// output as the console shows it.
func run(t *testing.T, f *fakeEngine, member uint64, line string) (string, error) {
	t.Helper()
	c, err := Parse(line)
	if err != nil {
		t.Fatalf("Parse(%q): %v", line, err)
	}
	var out Lines
	err = c.Run(context.Background(), f, member, &out)
	return out.String(), err
}

func TestRunCommandMapsToEngine(t *testing.T) {
	f := &fakeEngine{members: members3, getResp: &mvcc.RangeResponse{KVs: []*mvcc.KeyValue{kv("a", "1")}, Count: 1}}

	if out, err := run(t, f, 2, "put k v"); err != nil || out != "OK" || f.member != 2 || f.calls[0] != "put k=v" {
		t.Fatalf("put: %q %v member %d calls %q", out, err, f.member, f.calls)
	}
	out, err := run(t, f, 2, "get a --prefix --rev=7 --limit=3 --keys-only --consistency=s --endpoints=etcd-3")
	if err != nil || out != "a\n1" {
		t.Fatalf("get: %q %v", out, err)
	}
	want := mvcc.RangeRequest{Key: []byte("a"), End: []byte("b"), Rev: 7, Limit: 3, KeysOnly: true}
	if f.member != 3 || !f.serial || string(f.lastGet.Key) != "a" || string(f.lastGet.End) != "b" ||
		f.lastGet.Rev != want.Rev || f.lastGet.Limit != want.Limit || !f.lastGet.KeysOnly {
		t.Fatalf("get sent member %d serial %v %+v", f.member, f.serial, f.lastGet)
	}
	if _, err := run(t, f, 1, "get a --sort-by=MODIFY"); err != nil || f.lastGet.SortOrder != mvcc.SortAscend || f.lastGet.SortTarget != mvcc.SortByMod {
		t.Fatalf("--sort-by without --order sorts ascending: %+v %v", f.lastGet, err)
	}
	if _, err := run(t, f, 1, "get a --order=DESCEND"); err != nil || f.lastGet.SortOrder != mvcc.SortDescend || f.lastGet.SortTarget != mvcc.SortByKey {
		t.Fatalf("--order=DESCEND: %+v %v", f.lastGet, err)
	}
	if out, err := run(t, f, 1, "del p --prefix"); err != nil || out != "3" || f.calls[len(f.calls)-1] != "del p..q" {
		t.Fatalf("del: %q %v %q", out, err, f.calls)
	}
	if out, err := run(t, f, 4, "compaction 9"); err != nil || out != "compacted revision 9" || f.member != 4 || f.calls[len(f.calls)-1] != "compact 9" {
		t.Fatalf("compaction: %q %v %q", out, err, f.calls)
	}
	if out, err := run(t, f, 1, "member list"); err != nil || strings.Count(out, "started") != 3 {
		t.Fatalf("member list: %q %v", out, err)
	}
	if out, err := run(t, f, 1, "help"); err != nil || !strings.Contains(out, "endpoint status") {
		t.Fatalf("help: %q %v", out, err)
	}
}

func TestRunCommandErrors(t *testing.T) {
	f := &fakeEngine{members: members3, err: errFake}
	if _, err := run(t, f, 1, "put k v"); err != errFake {
		t.Errorf("put error %v, want the engine's", err)
	}
	if _, err := run(t, f, 1, "get k"); err != errFake {
		t.Errorf("get error %v, want the engine's", err)
	}
	if _, err := run(t, f, 1, "get k --endpoints=m9"); err == nil || !strings.Contains(err.Error(), `unknown endpoint "m9" (members: http://etcd-1:2379, http://etcd-2:2379, http://etcd-3:2379)`) {
		t.Errorf("unknown endpoint: %v", err)
	}
}

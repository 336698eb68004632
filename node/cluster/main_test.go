package cluster

import (
	"flag"
	"os"
	"testing"

	"github.com/etcd-play/etcd-play/transport"
)

// checkSharedRounds is how long the network watches the payload bytes it
// shares between members (transport.CheckShared) in this package's tests:
// longer than any delay the tests configure, so that a member or storage
// writing into entry or snapshot data it sent or received, during a test
// or within this many ticks of the data's last send or delivery, fails the
// test with the entry named.
const checkSharedRounds = 256

// TestMain runs every test of the package (chaos, digests, replays,
// scenarios) with the payload check on. Benchmarks run without it: they
// measure the page's configuration, and a run with -bench (whatever -run
// says) keeps it off.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		transport.DefaultCheckShared = checkSharedRounds
	}
	os.Exit(m.Run())
}

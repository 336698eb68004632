package cluster

import (
	"flag"
	"testing"
)

var (
	chaosSeed  = flag.Int64("chaos.seed", 0, "run only this chaos seed, verbosely (replays a failure)")
	chaosSeeds = flag.Int("chaos.seeds", 500, "number of chaos seeds TestChaos runs (50 with -short)")
	chaosFirst = flag.Int64("chaos.first", 1, "first chaos seed TestChaos runs")
)

// TestChaos runs many seeded chaos scenarios (see runChaos), in parallel.
// A failure prints the seed and the one-line command that replays it.
func TestChaos(t *testing.T) {
	if *chaosSeed != 0 {
		rep, err := runChaos(chaosOptions{Seed: *chaosSeed})
		t.Log(rep.Summary)
		t.Logf("linearizability: %+v", rep.Lin)
		if err != nil {
			t.Fatalf("%v\nlast events:\n%s", err, tail(rep.Events, 80))
		}
		t.Logf("last events:\n%s", tail(rep.Events, 30))
		return
	}
	n := *chaosSeeds
	if testing.Short() {
		n = min(n, 50)
	}
	for seed := *chaosFirst; seed < *chaosFirst+int64(n); seed++ {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			rep, err := runChaos(chaosOptions{Seed: seed})
			if err != nil {
				t.Fatalf("%s\n%v\nlast events:\n%s\nreplay: go test ./node/cluster -run 'TestChaos$' -chaos.seed=%d -v",
					rep.Summary, err, tail(rep.Events, 40), seed)
			}
		})
	}
}

package cluster

import (
	"flag"
	"fmt"
	"strings"
	"sync"
	"testing"
)

var (
	chaosSeed  = flag.Int64("chaos.seed", 0, "run only this chaos seed, verbosely (replays a failure)")
	chaosSeeds = flag.Int("chaos.seeds", 500, "number of chaos seeds TestChaos runs (50 with -short)")
	chaosFirst = flag.Int64("chaos.first", 1, "first chaos seed TestChaos runs")
	chaosTicks = flag.Int("chaos.ticks", 600, "ticks of the fault phase of each chaos run")
)

// TestChaos runs many seeded chaos scenarios (see runChaos), two at a time.
// A failure prints the seed and the one-line command that replays it. Over
// 100 seeds or more it also checks that the runs exercised what they are
// meant to: kills and restarts, partitions, new leaders, snapshots sent to
// followers and restored, and a real client history.
func TestChaos(t *testing.T) {
	if *chaosSeed != 0 {
		rep, err := runChaos(chaosOptions{Seed: *chaosSeed, Ticks: *chaosTicks})
		t.Log(rep.Summary)
		if rep.Lin.Ops > 0 {
			t.Logf("linearizability: %+v", rep.Lin)
		}
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
	var (
		mu   sync.Mutex
		runs = map[string]int{} // feature -> runs that showed it
		ops  int
	)
	t.Run("seeds", func(t *testing.T) {
		for seed := *chaosFirst; seed < *chaosFirst+int64(n); seed++ {
			t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
				t.Parallel()
				rep, err := runChaos(chaosOptions{Seed: seed, Ticks: *chaosTicks})
				if err != nil {
					ticks := ""
					if *chaosTicks != 600 {
						ticks = fmt.Sprintf(" -chaos.ticks=%d", *chaosTicks)
					}
					t.Fatalf("%s\n%v\nlast events:\n%s\nreplay: go test ./node/cluster -run 'TestChaos$' -chaos.seed=%d%s -v",
						rep.Summary, err, tail(rep.Events, 40), seed, ticks)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, f := range features(rep.Events) {
					runs[f]++
				}
				ops += rep.Lin.Ops
			})
		}
	})
	if t.Failed() {
		return
	}
	t.Logf("%d seeds, %d checked operations; runs showing each feature: %v", n, ops, runs)
	if n < 100 {
		return
	}
	for _, f := range []string{"kill", "restart", "partition", "new term", "snapshot sent", "snapshot restored",
		"duplicate", "reorder", "flaky network"} {
		if runs[f] < n/2 {
			t.Errorf("only %d of %d runs showed %q: the chaos no longer exercises it", runs[f], n, f)
		}
	}
	if ops < 100*n {
		t.Errorf("only %d operations checked over %d runs: the workload is too thin", ops, n)
	}
}

// features names what a run's event log shows happened.
func features(events []Event) []string {
	seen := map[string]bool{}
	for _, e := range events {
		switch {
		case e.Kind == "fault" && strings.Contains(e.Text, " killed"):
			seen["kill"] = true
		case e.Kind == "fault" && strings.Contains(e.Text, " restarted"):
			seen["restart"] = true
		case e.Kind == "fault" && strings.HasPrefix(e.Text, "partition"):
			seen["partition"] = true
		case e.Kind == "fault" && strings.Contains(e.Text, " duplicates "):
			seen["duplicate"] = true
			if strings.HasPrefix(e.Text, "flaky network") {
				seen["flaky network"] = true
				seen["reorder"] = true
			}
		case e.Kind == "fault" && strings.Contains(e.Text, " reorders "):
			seen["reorder"] = true
		case e.Kind == "term":
			seen["new term"] = true
		case e.Kind == "snapshot-sent":
			seen["snapshot sent"] = true
		case e.Kind == "snapshot-restored":
			seen["snapshot restored"] = true
		case e.Kind == "compaction" && strings.HasPrefix(e.Text, "auto-compaction:"):
			seen["auto-compaction"] = true
		}
	}
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	return out
}

package cluster

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"
)

// render is a chaos run's observable outcome as bytes: every event, then
// every member's final status (hashes included), then the lincheck summary.
func render(rep chaosReport) []byte {
	var b bytes.Buffer
	for _, e := range rep.Events {
		fmt.Fprintf(&b, "%d %d %s %d %t %d %s\n", e.Seq, e.Tick, e.Kind, e.Member, e.OK, e.LatencyTicks, e.Text)
	}
	for _, s := range rep.Status {
		fmt.Fprintf(&b, "%+v\n", s)
	}
	fmt.Fprintf(&b, "%s\n%+v\n", rep.Summary, rep.Lin)
	return b.Bytes()
}

// TestChaosReplay: a chaos run (faults, background load, client workload)
// replayed with the same seed gives a byte-identical event log and identical
// hashes, whether the cluster is ticked by a loop or stepped through a
// Driver; a different seed gives a different run.
func TestChaosReplay(t *testing.T) {
	for _, seed := range []int64{7, 21, 400} {
		first, err := runChaos(chaosOptions{Seed: seed})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		want := render(first)
		// The digest lets runs on other platforms (GOOS=js GOARCH=wasm)
		// be compared with a native one: go test -v -run TestChaosReplay.
		t.Logf("seed %d: %d events, run digest %x", seed, len(first.Events), sha256.Sum256(want))
		if len(first.Events) < 200 {
			t.Fatalf("seed %d: only %d events: the run exercised too little", seed, len(first.Events))
		}
		for _, driver := range []bool{false, true} {
			again, err := runChaos(chaosOptions{Seed: seed, Driver: driver})
			if err != nil {
				t.Fatalf("seed %d again (driver %t): %v", seed, driver, err)
			}
			if got := render(again); !bytes.Equal(got, want) {
				t.Fatalf("seed %d replayed (driver %t) differs:\n%s", seed, driver, firstDifference(want, got))
			}
		}
	}
	a, _ := runChaos(chaosOptions{Seed: 7})
	b, _ := runChaos(chaosOptions{Seed: 8})
	if bytes.Equal(render(a), render(b)) {
		t.Fatal("seeds 7 and 8 gave identical runs: the seed is not used")
	}
}

func firstDifference(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return fmt.Sprintf("line %d:\n  first: %s\n  again: %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("first has %d lines, replay %d", len(la), len(lb))
}

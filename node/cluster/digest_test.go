package cluster

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The golden replay digests prove that a seed gives the same run on every
// platform: the digests in testdata/replay-digests.txt were written by one
// run (natively) and every later run, native or GOOS=js GOARCH=wasm under
// Node, must reproduce them byte for byte. A change of behaviour on purpose
// (engine, store, transport or workload) changes the digests: rewrite them
// natively with
//
//	go test ./node/cluster -run TestReplayDigests -update
//
// and check in the new file, whose diff shows which seeds and which parts
// (event log, final hashes) changed.
var updateDigests = flag.Bool("update", false, "rewrite testdata/replay-digests.txt from this run (TestReplayDigests)")

const digestFile = "testdata/replay-digests.txt"

// digestChaosSeeds are the chaos seeds with a golden digest (each runs in
// tens of milliseconds natively). TestReplayDigests checks that together
// they cover every cluster size (1, 3, 5, 7 members), PreVote and
// CheckQuorum switched off, and every chaos feature (kills, restarts,
// partitions, new terms, snapshots sent and restored, auto-compaction).
var digestChaosSeeds = []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 21, 400}

// digestLine renders one run as its golden line: a name, the number of
// events, a digest of the event log, a digest of the whole rendered run
// (events, final status of every member, linearizability summary) and the
// final per-member hashes in clear, so that a diff of the file shows
// whether the stores or only the log changed. StoreBytes is left out of the
// status: it is the store's estimate of its own memory, which a change of
// data structures may move without changing what the store holds.
func digestLine(name string, events []Event, status []MemberStatus, whole []byte) string {
	var log bytes.Buffer
	for _, e := range events {
		fmt.Fprintf(&log, "%d %d %s %d %t %d %s\n", e.Seq, e.Tick, e.Kind, e.Member, e.OK, e.LatencyTicks, e.Text)
	}
	var hashes []string
	for _, s := range status {
		hashes = append(hashes, fmt.Sprintf("%d:%s:rev%d:hash%08x@%d", s.ID, s.State, s.Revision, s.Hash, s.HashRevision))
	}
	return fmt.Sprintf("%s events=%d log=%s run=%s final=%s", name, len(events),
		digest(log.Bytes()), digest(whole), strings.Join(hashes, ","))
}

// replayDigests computes the golden lines of this platform, one per run.
func replayDigests(t *testing.T) []string {
	var lines []string
	seen := map[string]bool{}
	for _, seed := range digestChaosSeeds {
		var cfg Config
		rep, err := runChaos(chaosOptions{Seed: seed, Tune: func(c *Config) { cfg = *c }})
		if err != nil {
			t.Fatalf("chaos seed %d: %v", seed, err)
		}
		lines = append(lines, digestLine(fmt.Sprintf("chaos seed=%d", seed), rep.Events, rep.Status, render(withoutStoreBytes(rep))))
		seen[fmt.Sprintf("%d members", cfg.Members)] = true
		seen["prevote off"] = seen["prevote off"] || cfg.DisablePreVote
		seen["checkquorum off"] = seen["checkquorum off"] || cfg.DisableCheckQuorum
		for _, f := range features(rep.Events) {
			seen[f] = true
		}
	}
	for _, want := range []string{"1 members", "3 members", "5 members", "7 members", "prevote off", "checkquorum off",
		"kill", "restart", "partition", "new term", "snapshot sent", "snapshot restored", "auto-compaction"} {
		if !seen[want] {
			t.Errorf("no golden chaos seed shows %q: choose seeds that cover it", want)
		}
	}
	// The scripted run of TestSameSeedSameRun, stepped through a Driver.
	ev, st := scriptedRun(t, 5, true, true)
	var whole bytes.Buffer
	for _, s := range withoutStoreBytes(chaosReport{Status: st}).Status {
		fmt.Fprintf(&whole, "%+v\n", s)
	}
	lines = append(lines, digestLine("script seed=5", ev, st, whole.Bytes()))
	// A full-speed stress run (StressConfig.MaxRate) with a kill and a
	// restart in its middle (stress_maxrate_test.go).
	ev, st, pr := maxRateRun(t, 13)
	whole.Reset()
	fmt.Fprintf(&whole, "%+v\n", pr)
	for _, s := range withoutStoreBytes(chaosReport{Status: st}).Status {
		fmt.Fprintf(&whole, "%+v\n", s)
	}
	lines = append(lines, digestLine("stress max-rate seed=13", ev, st, whole.Bytes()))
	return lines
}

// withoutStoreBytes returns rep with a copy of its status whose StoreBytes
// are zero (see digestLine).
func withoutStoreBytes(rep chaosReport) chaosReport {
	rep.Status = append([]MemberStatus(nil), rep.Status...)
	for i := range rep.Status {
		rep.Status[i].StoreBytes = 0
	}
	return rep
}

// TestReplayDigests: the runs named in testdata/replay-digests.txt give
// exactly the recorded digests on this platform (GOOS/GOARCH).
func TestReplayDigests(t *testing.T) {
	got := replayDigests(t)
	if *updateDigests {
		if runtime.GOOS == "js" {
			t.Fatal("-update rewrites the golden file: run it natively")
		}
		var b strings.Builder
		b.WriteString("# Golden replay digests: one line per seeded run (see digest_test.go).\n")
		b.WriteString("# Rewrite natively: go test ./node/cluster -run TestReplayDigests -update\n")
		for _, l := range got {
			b.WriteString(l + "\n")
		}
		if err := os.MkdirAll(filepath.Dir(digestFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(digestFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d digests to %s", len(got), digestFile)
		return
	}
	want, err := readDigests(digestFile)
	if err != nil {
		t.Fatalf("%v (create it natively with: go test ./node/cluster -run TestReplayDigests -update)", err)
	}
	if len(want) != len(got) {
		t.Errorf("%s has %d runs, this test computes %d: rewrite it with -update", digestFile, len(want), len(got))
	}
	for i := range min(len(want), len(got)) {
		if got[i] != want[i] {
			t.Errorf("%s/%s: run %d differs from the golden digest\n want %s\n  got %s\n"+
				"(on purpose? rewrite natively with: go test ./node/cluster -run TestReplayDigests -update)",
				runtime.GOOS, runtime.GOARCH, i+1, want[i], got[i])
		}
	}
}

// readDigests returns the non-comment, non-empty lines of the golden file.
func readDigests(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines, sc.Err()
}

// digest is the first 128 bits of b's SHA-256, in hex.
func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return fmt.Sprintf("%x", sum[:16])
}

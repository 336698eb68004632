package etcdctl

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/app/etcdctl/internal/golden"
	"github.com/etcd-play/etcd-play/node/cluster"
)

// The golden transcripts: testdata/golden/transcript.txt was run against a
// real etcd 3.6 cluster by `make etcdctl-golden`, which wrote what etcdctl
// printed to testdata/golden/recorded.txt. TestGoldenTranscript replays the
// transcript through the console (Parse, Run) on a real in-process cluster
// of 5 members, masks both sides (golden.Masker) and classifies each command
// (golden.Classify). The score is a ratchet: it may not fall below
// testdata/golden/score.txt, which -golden.update-score rewrites:
//
//	go test ./app/etcdctl -run Golden -golden.update-score
//
// With -v it prints the table of classes and a diff for every command that
// is not identical.
var updateScore = flag.Bool("golden.update-score", false, "rewrite testdata/golden/score.txt with the current score")

const (
	transcriptFile = "testdata/golden/transcript.txt"
	recordedFile   = "testdata/golden/recorded.txt"
	scoreFile      = "testdata/golden/score.txt"
)

func TestGoldenTranscript(t *testing.T) {
	steps, rec := readGolden(t)
	entries := golden.Flatten(steps)
	if len(entries) != len(rec.Entries) {
		t.Fatalf("%s has %d commands, %s %d: re-record (make etcdctl-golden)", transcriptFile, len(entries), recordedFile, len(rec.Entries))
	}
	for i, s := range entries {
		if s.Line != rec.Entries[i].Line {
			t.Fatalf("command %d: transcript line %d is %q, recorded %q: re-record (make etcdctl-golden)", i+1, s.LineNo, s.Line, rec.Entries[i].Line)
		}
	}

	r := newReplayer(t)
	var got []replayed
	for _, s := range steps {
		got = append(got, r.step(t, s, rec.Entries[len(got):])...)
	}

	wantMask := golden.NewMasker(rec.Cluster, recordedLeases(rec.Entries))
	gotMask := golden.NewMasker(r.id, r.leases)
	counts := map[golden.Class]int{}
	var table strings.Builder
	for i, e := range rec.Entries {
		want := golden.Result{Stdout: wantMask.Stdout(e.Ran, e.Stdout), Stderr: wantMask.Stderr(e.Stderr), Exit: e.Exit}
		g := got[i]
		have := golden.Result{Stdout: gotMask.Stdout(g.ran, g.Stdout), Stderr: gotMask.Stderr(g.Stderr), Exit: g.Exit}
		class := golden.Classify(want, have, g.refused)
		counts[class]++
		fmt.Fprintf(&table, "%4d  %-9s  %s\n", i+1, class, e.Line)
		if class != golden.Identical && testing.Verbose() {
			t.Logf("command %d (%s): %s\n%s", i+1, class, e.Line, diffResults(want, have))
		}
	}
	total := len(rec.Entries)
	ok := counts[golden.Identical] + counts[golden.Cosmetic]
	t.Logf("golden commands:\n%s", table.String())
	t.Logf("score: %d of %d identical or cosmetic (%.1f%%): %d identical, %d cosmetic, %d different, %d refused",
		ok, total, 100*float64(ok)/float64(total), counts[golden.Identical], counts[golden.Cosmetic], counts[golden.Different], counts[golden.Refused])

	cur := score{OK: ok, Total: total, Refused: counts[golden.Refused]}
	if *updateScore {
		if err := os.WriteFile(scoreFile, []byte(cur.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	prev, err := readScore()
	if err != nil {
		t.Fatal(err)
	}
	if cur.Total != prev.Total {
		t.Fatalf("the transcript has %d commands, %s counts %d: run with -golden.update-score", cur.Total, scoreFile, prev.Total)
	}
	if cur.OK < prev.OK || cur.Refused > prev.Refused {
		t.Errorf("score fell: %d identical or cosmetic (was %d), %d refused (was %d); run with -v for the diffs", cur.OK, prev.OK, cur.Refused, prev.Refused)
	}
}

func readGolden(t *testing.T) ([]golden.Step, *golden.Recorded) {
	f, err := os.Open(transcriptFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	steps, err := golden.ParseTranscript(f)
	if err != nil {
		t.Fatal(err)
	}
	g, err := os.Open(recordedFile)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	rec, err := golden.ReadRecorded(g)
	if err != nil {
		t.Fatal(err)
	}
	return steps, rec
}

// recordedLeases lists the leases the recording granted, in order.
func recordedLeases(es []golden.Entry) []string {
	var ls []string
	for _, e := range es {
		if l := golden.GrantedLease(e.Stdout); l != "" && !slices.Contains(ls, l) {
			ls = append(ls, l)
		}
	}
	return ls
}

// score is the ratchet's figure: commands identical or cosmetic, of all,
// and refused.
type score struct{ OK, Total, Refused int }

func (s score) String() string {
	return fmt.Sprintf("# The console's golden-transcript score (TestGoldenTranscript may not fall below it;\n"+
		"# go test ./app/etcdctl -run Golden -golden.update-score rewrites it).\nok %d of %d\nrefused %d\n", s.OK, s.Total, s.Refused)
}

func readScore() (score, error) {
	b, err := os.ReadFile(scoreFile)
	if err != nil {
		return score{}, err
	}
	var s score
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		if _, err := fmt.Sscanf(l, "ok %d of %d", &s.OK, &s.Total); err == nil {
			n++
		}
		if _, err := fmt.Sscanf(l, "refused %d", &s.Refused); err == nil {
			n++
		}
	}
	if n != 2 {
		return s, fmt.Errorf("%s: want an \"ok N of M\" and a \"refused N\" line", scoreFile)
	}
	return s, nil
}

func diffResults(want, got golden.Result) string {
	var b strings.Builder
	side := func(name string, w, g []string) {
		for i := 0; i < max(len(w), len(g)); i++ {
			wl, gl := "", ""
			if i < len(w) {
				wl = w[i]
			}
			if i < len(g) {
				gl = g[i]
			}
			if i < len(w) && i < len(g) && wl == gl {
				fmt.Fprintf(&b, "    %s   %s\n", name, wl)
				continue
			}
			if i < len(w) {
				fmt.Fprintf(&b, "  - %s   %s\n", name, wl)
			}
			if i < len(g) {
				fmt.Fprintf(&b, "  + %s   %s\n", name, gl)
			}
		}
	}
	side("out", want.Stdout, got.Stdout)
	side("err", want.Stderr, got.Stderr)
	fmt.Fprintf(&b, "    exit: etcdctl %s, console %s", want.Exit, got.Exit)
	return b.String()
}

// replayed is the console's answer to one transcript command.
type replayed struct {
	golden.Result
	ran     string
	refused bool // Parse rejected it, or the console cannot run it as the transcript asks
}

// replayer runs transcript commands through the console on a 5-member
// cluster whose leader is member 1 (etcd-1, the console's default member,
// as in the recording).
type replayer struct {
	eng    engine.Engine
	id     golden.Identity
	leases []string // granted, in order (hex, as the console printed them)
}

func newReplayer(t *testing.T) *replayer {
	eng, err := local.NewClusterEngine(cluster.Config{Members: 5, Seed: 1}, engine.MaxSpeed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Pause)
	local.BootToLeader(eng, 200)
	leader := func() uint64 {
		for _, m := range eng.Status() {
			if m.State == "leader" {
				return m.ID
			}
		}
		return 0
	}
	if leader() != 1 {
		if err := eng.TransferLeadership(1); err != nil {
			t.Fatal(err)
		}
	}
	pollUntil(t, 10*time.Second, "member 1 to lead", func() bool { return leader() == 1 })
	r := &replayer{eng: eng}
	ml := r.run("member list", nil)
	mlj := r.run("member list -w json", nil)
	r.id = golden.IdentityFromMemberList(ml.Stdout, mlj.Stdout)
	if len(r.id.Members) != 5 {
		t.Fatalf("the console's member list gave %d members: %q %q", len(r.id.Members), ml.Stdout, ml.Stderr)
	}
	return r
}

func pollUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// subst substitutes a transcript line as the recorder does, from the
// console's own lease and member IDs.
func (r *replayer) subst(line string) string {
	lease := ""
	if len(r.leases) > 0 {
		lease = r.leases[len(r.leases)-1]
	}
	return golden.Substitute(line, lease, func(name string) string {
		for _, m := range r.id.Members {
			if m.Name == name {
				return m.ID
			}
		}
		return ""
	})
}

// errResult is a failed command's result as the console shows it.
func errResult(err error, refused bool) replayed {
	return replayed{Result: golden.Result{Stderr: strings.Split(ErrorLine(err), "\n"), Exit: "1"}, refused: refused}
}

// inputTaker is how the replay gives a command the lines typed after it
// (txn's compares and requests, "<" lines in the transcript): a Command
// that reads such lines implements it, returning the command with its
// input, or the error etcdctl reports for malformed input. Until Command
// has the method, a command with input lines counts as refused
// (errNoInput).
type inputTaker interface {
	WithInput(lines []string) (Command, error)
}

var errNoInput = errors.New("the console cannot take a command's input lines")

// run runs one command to completion.
func (r *replayer) run(line string, input []string) replayed {
	ran := r.subst(line)
	c, err := Parse(ran)
	if err != nil {
		res := errResult(err, true)
		res.ran = ran
		res.Stdout = Usage(err) // etcdctl prints the usage after a flag it cannot parse
		return res
	}
	if len(input) > 0 {
		in, ok := any(c).(inputTaker)
		if !ok {
			res := errResult(errNoInput, true)
			res.ran = ran
			return res
		}
		if c, err = in.WithInput(input); err != nil {
			res := errResult(err, false)
			res.ran = ran
			return res
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out replayOutput
	res := replayed{ran: ran, Result: golden.Result{Exit: "0"}}
	if err := c.Run(ctx, r.eng, 1, &out); err != nil {
		res = errResult(err, false)
		res.ran = ran
		if errors.Is(err, ErrFailed) { // the command printed why itself
			res.Stderr = nil
		}
	}
	res.Stdout = out.out
	res.Stderr = append(out.err, res.Stderr...)
	if l := golden.GrantedLease(res.Stdout); l != "" && !slices.Contains(r.leases, l) {
		r.leases = append(r.leases, l)
	}
	return res
}

// step runs a transcript step: a command, or a watch session (the watch
// runs while its "&" commands run, until it printed as many lines as
// etcdctl did, or 3 s passed, then it is stopped as Ctrl-C stops it).
// recorded are the recorded entries from this step's on.
func (r *replayer) step(t *testing.T, s golden.Step, recorded []golden.Entry) []replayed {
	if len(s.During) == 0 {
		return []replayed{r.run(s.Line, s.Input)}
	}
	ran := r.subst(s.Line)
	c, err := Parse(ran)
	if err != nil {
		res := errResult(err, true)
		res.ran = ran
		res.Stdout = Usage(err) // etcdctl prints the usage after a flag it cannot parse
		out := []replayed{res}
		for _, d := range s.During {
			out = append(out, r.step(t, d, nil)...)
		}
		return out
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncLines
	done := make(chan error, 1)
	// The "&" commands run once the watch is established, as they did
	// when etcdctl recorded them: started too early (a loaded machine),
	// they wrote before it and it missed their events.
	eng := &watchStarted{Engine: r.eng, started: make(chan struct{}, 1)}
	go func() { done <- c.Run(ctx, eng, 1, &out) }()
	if strings.HasPrefix(ran, "watch") {
		select {
		case <-eng.started:
		case err := <-done:
			done <- err // it ended before watching: the result below says how
		case <-time.After(30 * time.Second):
			t.Errorf("%s: no watch established within 30 s", s.Line)
		}
	}
	var during []replayed
	for _, d := range s.During {
		during = append(during, r.step(t, d, nil)...)
	}
	want := len(recorded[0].Stdout)
	deadline := time.Now().Add(3 * time.Second)
	for out.Len() < want && len(done) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	res := replayed{ran: ran, Result: golden.Result{Exit: "^C"}}
	select {
	case err = <-done: // it ended by itself
		res.Exit = "0"
	default:
		cancel()
		select {
		case err = <-done:
		case <-time.After(5 * time.Second):
			t.Errorf("%s: Run did not return within 5 s of its context's end", s.Line)
		}
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		res = errResult(err, false)
		res.ran = ran
	}
	res.Stdout = out.Lines()
	res.Stderr = append(out.ErrLines(), res.Stderr...)
	return append([]replayed{res}, during...)
}

// watchStarted is the replayer's engine as a watch command sees it: it
// says on started when a Watch call returned.
type watchStarted struct {
	engine.Engine
	started chan struct{} // buffered(1)
}

func (w *watchStarted) Watch(member uint64, req engine.WatchRequest) (engine.WatchStream, error) {
	wt, ok := w.Engine.(engine.Watcher)
	if !ok {
		return nil, errors.New("this cluster cannot watch")
	}
	s, err := wt.Watch(member, req)
	select {
	case w.started <- struct{}{}:
	default:
	}
	return s, err
}

// syncLines is an Output a watch writes from its goroutine while the test
// reads how many lines it has.
type syncLines struct {
	mu     sync.Mutex
	l, err Lines
}

// PrintErr keeps what the command prints on standard error (ErrOutput).
func (s *syncLines) PrintErr(lines ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = append(s.err, lines...)
}

func (s *syncLines) ErrLines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.err...)
}

func (s *syncLines) Print(lines ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.l = append(s.l, lines...)
}

func (s *syncLines) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.l)
}

func (s *syncLines) Lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.l...)
}

// replayOutput keeps a command's standard output and standard error apart
// (etcdctl.ErrOutput).
type replayOutput struct{ out, err Lines }

func (o *replayOutput) Print(lines ...string)    { o.out.Print(lines...) }
func (o *replayOutput) PrintErr(lines ...string) { o.err.Print(lines...) }

// Command record runs a golden etcdctl transcript against a real etcd
// cluster and writes what etcdctl printed, for the console's replay test
// (app/etcdctl, golden_test.go). `make etcdctl-golden` builds etcd and
// etcdctl (the release the Makefile names) outside the module and runs it:
//
//	record -etcd ETCD -etcdctl ETCDCTL -transcript T -out O
//
// It starts a fresh 5-member cluster etcd-1..etcd-5 on 127.0.0.1 (free
// ports, a unique cluster token, data in a temporary directory), makes
// etcd-1 the leader (the console's default member; the playground's
// replay does the same), reads the cluster's identity ("member list",
// simple and json), runs every command of the transcript in order with
// etcdctl talking to etcd-1 unless the command names --endpoints, and
// writes the results (golden.Recorded) to O. Commands run through bash
// with globbing off, so they are split as a shell splits them.
//
// A watch session (a command with "&" lines) starts the watch, waits until
// the member reports it set up a watch (its /metrics; a command other than
// watch, lease keep-alive, until it printed something), runs the "&"
// commands, waits until the watch's output has been still for half a
// second, and sends it SIGINT (Ctrl-C). Every wait has a deadline; the
// recorder fails rather than records a command that hung.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/etcd-play/etcd-play/app/etcdctl/internal/golden"
	"github.com/etcd-play/etcd-play/app/internal/etcdproc"
)

const members = 5

func main() {
	etcdBin := flag.String("etcd", "", "etcd binary")
	ctlBin := flag.String("etcdctl", "", "etcdctl binary")
	transcript := flag.String("transcript", "app/etcdctl/testdata/golden/transcript.txt", "transcript to run")
	out := flag.String("out", "app/etcdctl/testdata/golden/recorded.txt", "where to write the results")
	flag.Parse()
	if *etcdBin == "" || *ctlBin == "" {
		fmt.Fprintln(os.Stderr, "record: -etcd and -etcdctl are required")
		os.Exit(2)
	}
	if err := run(*etcdBin, *ctlBin, *transcript, *out); err != nil {
		fmt.Fprintln(os.Stderr, "record:", err)
		os.Exit(1)
	}
}

func run(etcdBin, ctlBin, transcriptPath, outPath string) error {
	f, err := os.Open(transcriptPath)
	if err != nil {
		return err
	}
	steps, err := golden.ParseTranscript(f)
	f.Close()
	if err != nil {
		return err
	}
	ctlAbs, err := filepath.Abs(ctlBin)
	if err != nil {
		return err
	}
	c, err := etcdproc.Start(etcdBin, "", "golden", members)
	if err != nil {
		return err
	}
	defer c.Stop()
	r := &recorder{ctl: ctlAbs, c: c}
	if err := r.leadFromFirst(); err != nil {
		return err
	}
	rec := &golden.Recorded{}
	ver, err := r.hidden("version")
	if err != nil {
		return err
	}
	rec.Header = append([]string{"Recorded by `make etcdctl-golden` from the transcript next to this file; do not edit."}, ver.Stdout...)
	ml, err := r.hidden("member list")
	if err != nil {
		return err
	}
	mlj, err := r.hidden("member list -w json")
	if err != nil {
		return err
	}
	rec.Cluster = golden.IdentityFromMemberList(ml.Stdout, mlj.Stdout)
	r.id = rec.Cluster
	if len(r.id.Members) != members {
		return fmt.Errorf("member list gave %d members: %q", len(r.id.Members), ml.Stdout)
	}
	for _, s := range steps {
		es, err := r.step(s)
		if err != nil {
			return fmt.Errorf("transcript line %d (%s): %w", s.LineNo, s.Line, err)
		}
		rec.Entries = append(rec.Entries, es...)
	}
	var buf bytes.Buffer
	if err := rec.Write(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(outPath, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("record: %d commands -> %s\n", len(rec.Entries), outPath)
	return nil
}

// poll calls cond every 20 ms until it holds or d passed.
func poll(d time.Duration, what string, cond func() bool) error {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

type recorder struct {
	ctl   string
	c     *etcdproc.Cluster
	id    golden.Identity
	lease string // the latest granted lease (hex)
}

// leadFromFirst makes etcd-1 the leader.
func (r *recorder) leadFromFirst() error {
	var leader uint64
	var ids []uint64
	err := poll(30*time.Second, "a leader", func() bool {
		leader, ids = 0, nil
		for i := range members {
			res, err := r.exec("--endpoints="+r.c.Client[i]+" endpoint status -w json", nil)
			if err != nil || !res.OK() {
				return false
			}
			var st []struct {
				Status struct {
					Header struct {
						MemberID uint64 `json:"member_id"`
					} `json:"header"`
					Leader uint64 `json:"leader"`
				}
			}
			if json.Unmarshal([]byte(strings.Join(res.Stdout, "")), &st) != nil || len(st) != 1 {
				return false
			}
			ids = append(ids, st[0].Status.Header.MemberID)
			leader = st[0].Status.Leader
		}
		return leader != 0
	})
	if err != nil || leader == ids[0] {
		return err
	}
	for i, id := range ids {
		if id == leader {
			res, err := r.exec(fmt.Sprintf("--endpoints=%s move-leader %x", r.c.Client[i], ids[0]), nil)
			if err != nil {
				return err
			}
			if !res.OK() {
				return fmt.Errorf("move-leader to etcd-1: %q", res.Stderr)
			}
		}
	}
	return nil
}

var endpointsRE = regexp.MustCompile(`--endpoints([= ])(\S+)`)
var memberNameRE = regexp.MustCompile(`\betcd-([0-9]+)\b`)

// prepare substitutes a transcript line and points it at the cluster:
// member names in --endpoints become client URLs; without --endpoints,
// etcd-1's. It returns the line as the console runs it, the arguments for
// etcdctl, and the index of the member the command talks to first.
func (r *recorder) prepare(line string) (ran, args string, member int) {
	line = strings.TrimPrefix(line, "etcdctl ")
	ran = golden.Substitute(line, r.lease, func(name string) string {
		for _, m := range r.id.Members {
			if m.Name == name {
				return m.ID
			}
		}
		return ""
	})
	if !endpointsRE.MatchString(ran) {
		return ran, "--endpoints=" + r.c.Client[0] + " " + ran, 0
	}
	member = -1
	args = endpointsRE.ReplaceAllStringFunc(ran, func(m string) string {
		sub := endpointsRE.FindStringSubmatch(m)
		v := memberNameRE.ReplaceAllStringFunc(sub[2], func(name string) string {
			n, _ := strconv.Atoi(name[len("etcd-"):])
			if n < 1 || n > members {
				return name
			}
			if member < 0 {
				member = n - 1
			}
			return r.c.Client[n-1]
		})
		return "--endpoints" + sub[1] + v
	})
	return ran, args, max(member, 0)
}

func (r *recorder) command(ctx context.Context, args string, input []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "bash", "-c", "set -f; exec '"+r.ctl+"' "+args)
	if len(input) > 0 {
		cmd.Stdin = strings.NewReader(strings.Join(input, "\n") + "\n")
	}
	return cmd
}

// hidden runs a command the transcript does not have (on etcd-1).
func (r *recorder) hidden(line string) (golden.Result, error) {
	_, args, _ := r.prepare(line)
	return r.exec(args, nil)
}

// exec runs etcdctl with args (already prepared) and input on stdin, with
// a deadline.
func (r *recorder) exec(args string, input []string) (golden.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := r.command(ctx, args, input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return golden.Result{}, fmt.Errorf("etcdctl %s: did not finish in 30 s", args)
	}
	return result(stdout.Bytes(), stderr.Bytes(), err, false)
}

func result(stdout, stderr []byte, err error, interrupted bool) (golden.Result, error) {
	res := golden.Result{Stdout: lines(stdout), Stderr: lines(stderr), Exit: "0"}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		if interrupted && (!ee.Exited() || ee.ExitCode() == 130) {
			res.Exit = "^C"
		} else {
			res.Exit = strconv.Itoa(ee.ExitCode())
		}
	default:
		return res, err
	}
	return res, nil
}

func lines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// step runs one transcript step; a watch session gives its own entry
// followed by its "&" commands'.
func (r *recorder) step(s golden.Step) ([]golden.Entry, error) {
	ran, args, member := r.prepare(s.Line)
	if len(s.During) == 0 {
		res, err := r.exec(args, s.Input)
		if err != nil {
			return nil, err
		}
		if l := golden.GrantedLease(res.Stdout); l != "" {
			r.lease = l
		}
		return []golden.Entry{{Line: s.Line, Ran: ran, Result: res}}, nil
	}

	before, err := r.watchers(member)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := r.command(ctx, args, s.Input)
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// A watch has started when the member set it up; another command
	// (lease keep-alive) when it printed something.
	isWatch := strings.HasPrefix(strings.TrimPrefix(s.Line, "etcdctl "), "watch")
	if err := poll(10*time.Second, "the command to start", func() bool {
		if len(exited) > 0 {
			return true
		}
		if !isWatch {
			return stdout.Len() > 0
		}
		n, err := r.watchers(member)
		return err == nil && n > before
	}); err != nil {
		return nil, err
	}
	var entries []golden.Entry
	for _, d := range s.During {
		es, err := r.step(d)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", d.LineNo, err)
		}
		entries = append(entries, es...)
	}
	// The events arrive after the commands that caused them answered:
	// wait until the output is still for 500 ms.
	last, since := -1, time.Now()
	if err := poll(10*time.Second, "the watch's output to settle", func() bool {
		if n := stdout.Len(); n != last {
			last, since = n, time.Now()
		}
		return time.Since(since) >= 500*time.Millisecond
	}); err != nil {
		return nil, err
	}
	interrupted := false
	var werr error
	select {
	case werr = <-exited:
	default:
		interrupted = true
		cmd.Process.Signal(os.Interrupt)
		werr = <-exited
	}
	res, err := result(stdout.Bytes(), stderr.Bytes(), werr, interrupted)
	if err != nil {
		return nil, err
	}
	return append([]golden.Entry{{Line: s.Line, Ran: ran, Result: res}}, entries...), nil
}

// watchSent is the metric that counts the watch responses a member sent:
// it rises when a new watch is set up (its "created" response is sent after
// the watcher is registered) and never falls (the watcher gauge may stay
// put while a stopped watch's watcher goes and a new one comes).
const watchSent = `grpc_server_msg_sent_total{grpc_method="Watch",grpc_service="etcdserverpb.Watch",grpc_type="bidi_stream"} `

// watchers reads the member's watchSent counter from its /metrics.
func (r *recorder) watchers(member int) (int, error) {
	resp, err := http.Get(r.c.Client[member] + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, watchSent); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int(f), err
		}
	}
	return 0, errors.New("no " + strings.TrimSpace(watchSent) + " in /metrics")
}

// lockedBuffer is a bytes.Buffer the watch's process writes while the
// recorder reads its length.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}

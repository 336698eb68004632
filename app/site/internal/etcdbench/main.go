//go:build !js

// Command etcdbench measures a real etcd cluster's put throughput, the
// figure the playground's Benchmark panel reports for its own cluster.
// `make bench-etcd` builds etcd (the release the Makefile names) outside
// the module and runs it:
//
//	etcdbench -etcd ETCD -benchmark BENCHMARK -dir DIR -label LABEL -total N \
//		-clients 100 -conns 100 -val-size 256 -key-size 8
//
// It starts a fresh 5-member cluster etcd-1..etcd-5 on 127.0.0.1 (free
// ports, a unique cluster token, data in a new directory under DIR), waits
// until every member reports a leader (/health), runs
//
//	BENCHMARK --endpoints=URL1,...,URL5 --conns=C --clients=K put \
//		--key-size=S --val-size=V --total=N --sequential-keys=false
//
// prints one line
//
//	BENCH real-etcd storage=LABEL members=5 clients=K value-bytes=V total=N requests-per-sec=X
//
// (X as the benchmark's "Requests/sec:" line gives it) followed by the
// benchmark's own output, then kills the members and removes their data.
// It fails, printing no BENCH line, if the benchmark exits non-zero, any
// put failed, or its output has no Requests/sec.
//
// BENCHMARK is etcd's tools/benchmark or, since that is not on the Go
// module proxy for the release the Makefile builds, its stand-in putload
// (./putload), which the Makefile builds outside the module.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/etcd-play/etcd-play/app/internal/etcdproc"
)

const members = 5

func main() {
	etcdBin := flag.String("etcd", "", "etcd binary")
	benchBin := flag.String("benchmark", "", "benchmark binary (etcd's tools/benchmark or putload)")
	dir := flag.String("dir", os.TempDir(), "directory for the members' data (a fresh subdirectory, removed afterwards)")
	label := flag.String("label", "", "storage label for the BENCH line")
	total := flag.Int("total", 100000, "puts")
	clients := flag.Uint("clients", 100, "clients (puts in flight)")
	conns := flag.Uint("conns", 100, "client connections")
	valSize := flag.Int("val-size", 256, "value bytes")
	keySize := flag.Int("key-size", 8, "key bytes")
	flag.Parse()
	if *etcdBin == "" || *benchBin == "" || *label == "" {
		fmt.Fprintln(os.Stderr, "etcdbench: -etcd, -benchmark and -label are required")
		os.Exit(2)
	}
	args := func(eps []string) []string {
		return []string{"--endpoints=" + strings.Join(eps, ","), fmt.Sprintf("--conns=%d", *conns),
			fmt.Sprintf("--clients=%d", *clients), "put", fmt.Sprintf("--key-size=%d", *keySize),
			fmt.Sprintf("--val-size=%d", *valSize), fmt.Sprintf("--total=%d", *total), "--sequential-keys=false"}
	}
	out, err := measure(*etcdBin, *benchBin, *dir, args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcdbench:", err)
		os.Exit(1)
	}
	m := regexp.MustCompile(`Requests/sec:\s*([0-9.]+)`).FindStringSubmatch(out)
	if m == nil || strings.Contains(out, "Error distribution") {
		fmt.Fprintf(os.Stderr, "etcdbench: no Requests/sec, or puts failed, in the benchmark's output:\n%s", out)
		os.Exit(1)
	}
	fmt.Printf("BENCH real-etcd storage=%s members=%d clients=%d value-bytes=%d total=%d requests-per-sec=%s\n",
		*label, members, *clients, *valSize, *total, m[1])
	fmt.Print(out)
}

// measure starts the cluster under dir, runs bench with args(client URLs)
// and returns its standard output; the cluster is gone when it returns.
func measure(etcdBin, bench, dir string, args func([]string) []string) (string, error) {
	c, err := etcdproc.Start(etcdBin, dir, "bench", members)
	if err != nil {
		return "", err
	}
	defer c.Stop()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		c.Stop()
		os.Exit(130)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bench, args(c.Client)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %w\n%s", bench, err, out.String())
	}
	return out.String(), nil
}

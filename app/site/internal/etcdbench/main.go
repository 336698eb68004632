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
// The same program is also that BENCHMARK: given the command line above
// (a "put" after the connection flags) it is a load generator for etcd's
// `benchmark put` (tools/benchmark), which is not on the Go module proxy
// for the release the Makefile builds. Like that tool it opens C client
// connections (connection i to endpoint i mod 5), shares them round-robin
// among K clients, each putting one request at a time until N puts were
// sent, every put the same random V-byte value, and prints the tool's
// summary (go.etcd.io/etcd/pkg/v3/report: the timer runs from the clients'
// start until the last put answered; Requests/sec counts successful puts).
// Unlike that tool, whose keys come from a key space of --key-space-size
// (default 1: every put to the same key), each put here goes to a fresh
// random S-byte key (--sequential-keys=true: key i, varint-encoded as the
// tool does). It exits 1 if any put failed.
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/pkg/v3/report"
)

const members = 5

func main() {
	etcdBin := flag.String("etcd", "", "etcd binary")
	benchBin := flag.String("benchmark", "", "benchmark binary (etcd's tools/benchmark or this program)")
	dir := flag.String("dir", os.TempDir(), "directory for the members' data (a fresh subdirectory, removed afterwards)")
	label := flag.String("label", "", "storage label for the BENCH line")
	total := flag.Int("total", 100000, "puts")
	clients := flag.Uint("clients", 100, "clients (puts in flight)")
	conns := flag.Uint("conns", 100, "client connections")
	valSize := flag.Int("val-size", 256, "value bytes")
	keySize := flag.Int("key-size", 8, "key bytes")
	endpoints := flag.String("endpoints", "", "load generator: comma-separated client URLs")
	flag.Parse()
	if flag.Arg(0) == "put" {
		os.Exit(put(strings.Split(*endpoints, ","), int(*conns), int(*clients), flag.Args()[1:]))
	}
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
	c, err := startCluster(etcdBin, dir)
	if err != nil {
		return "", err
	}
	defer c.stop()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		c.stop()
		os.Exit(130)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bench, args(c.client)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %w\n%s", bench, err, out.String())
	}
	return out.String(), nil
}

// cluster is the running etcd members.
type cluster struct {
	dir    string
	procs  []*exec.Cmd
	client []string // client URLs, by member index
	once   sync.Once
}

func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func startCluster(etcdBin, parent string) (*cluster, error) {
	dir, err := os.MkdirTemp(parent, "etcd-bench-")
	if err != nil {
		return nil, err
	}
	c := &cluster{dir: dir}
	ports, err := freePorts(2 * members)
	if err != nil {
		c.stop()
		return nil, err
	}
	var initial, peer []string
	for i := range members {
		c.client = append(c.client, fmt.Sprintf("http://127.0.0.1:%d", ports[2*i]))
		peer = append(peer, fmt.Sprintf("http://127.0.0.1:%d", ports[2*i+1]))
		initial = append(initial, fmt.Sprintf("etcd-%d=%s", i+1, peer[i]))
	}
	token := fmt.Sprintf("etcd-play-bench-%d", time.Now().UnixNano())
	for i := range members {
		name := fmt.Sprintf("etcd-%d", i+1)
		logf, err := os.Create(filepath.Join(dir, name+".log"))
		if err != nil {
			c.stop()
			return nil, err
		}
		p := exec.Command(etcdBin, "--name", name, "--data-dir", filepath.Join(dir, name),
			"--listen-client-urls", c.client[i], "--advertise-client-urls", c.client[i],
			"--listen-peer-urls", peer[i], "--initial-advertise-peer-urls", peer[i],
			"--initial-cluster", strings.Join(initial, ","), "--initial-cluster-token", token,
			"--initial-cluster-state", "new")
		p.Stdout, p.Stderr = logf, logf
		err = p.Start()
		logf.Close()
		if err != nil {
			c.stop()
			return nil, err
		}
		c.procs = append(c.procs, p)
	}
	deadline := time.Now().Add(30 * time.Second)
	for i := range members {
		for !healthy(c.client[i]) {
			if time.Now().After(deadline) {
				log, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("etcd-%d.log", i+1)))
				c.stop()
				return nil, fmt.Errorf("etcd-%d not healthy (no leader) after 30s; its log:\n%s", i+1, log)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return c, nil
}

// healthy: the member at url answers /health with "health":"true" (it has
// a leader and no alarm).
func healthy(url string) bool {
	resp, err := http.Get(url + "/health")
	if err != nil {
		return false
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode == 200 && bytes.Contains(b, []byte(`"health":"true"`))
}

// stop kills the members and removes their data (once; safe to call again).
func (c *cluster) stop() {
	c.once.Do(func() {
		for _, p := range c.procs {
			p.Process.Kill()
		}
		for _, p := range c.procs {
			p.Wait()
		}
		os.RemoveAll(c.dir)
	})
}

// put is the load generator (see the package comment); it returns the
// exit code.
func put(endpoints []string, nconns, nclients int, args []string) int {
	fs := flag.NewFlagSet("put", flag.ExitOnError)
	keySize := fs.Int("key-size", 8, "key bytes")
	valSize := fs.Int("val-size", 8, "value bytes")
	total := fs.Int("total", 10000, "puts")
	seqKeys := fs.Bool("sequential-keys", false, "key i for put i instead of a random key")
	fs.Parse(args)
	if len(endpoints) == 0 || endpoints[0] == "" || nconns < 1 || nclients < 1 || *keySize < 1 {
		fmt.Fprintln(os.Stderr, "put: needs --endpoints, --conns >= 1, --clients >= 1, --key-size >= 1")
		return 2
	}
	conns := make([]*clientv3.Client, nconns)
	for i := range conns {
		c, err := clientv3.New(clientv3.Config{Endpoints: []string{endpoints[i%len(endpoints)]}, DialTimeout: 10 * time.Second})
		if err != nil {
			fmt.Fprintln(os.Stderr, "put: dial:", err)
			return 1
		}
		defer c.Close()
		conns[i] = c
	}
	val := make([]byte, *valSize)
	for i := range val {
		val[i] = byte(rand.Uint32())
	}
	requests := make(chan clientv3.Op, nclients)
	r := report.NewReport("%4.4f")
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range nclients {
		wg.Add(1)
		go func(c *clientv3.Client) {
			defer wg.Done()
			for op := range requests {
				st := time.Now()
				_, err := c.Do(context.Background(), op)
				if err != nil {
					failed.Add(1)
				}
				r.Results() <- report.Result{Err: err, Start: st, End: time.Now()}
			}
		}(conns[i%nconns])
	}
	go func() {
		k := make([]byte, *keySize)
		for i := range *total {
			if *seqKeys {
				clear(k)
				binary.PutVarint(k, int64(i))
			} else {
				for j := range k {
					k[j] = byte(rand.Uint32())
				}
			}
			requests <- clientv3.OpPut(string(k), string(val))
		}
		close(requests)
	}()
	rc := r.Run()
	wg.Wait()
	close(r.Results())
	fmt.Println(<-rc)
	if n := failed.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "put: %d of %d puts failed\n", n, *total)
		return 1
	}
	return 0
}

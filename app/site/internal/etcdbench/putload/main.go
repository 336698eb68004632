//go:build !js

// Command putload is a load generator for etcd's `benchmark put`
// (tools/benchmark), which is not on the Go module proxy for the release
// the Makefile builds; etcdbench (the directory above) runs it as
//
//	putload --endpoints=URL1,...,URL5 --conns=C --clients=K put \
//		--key-size=S --val-size=V --total=N --sequential-keys=false
//
// Like that tool it opens C client
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
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/pkg/v3/report"
)

func main() {
	clients := flag.Uint("clients", 100, "clients (puts in flight)")
	conns := flag.Uint("conns", 100, "client connections")
	endpoints := flag.String("endpoints", "", "comma-separated client URLs")
	flag.Parse()
	if flag.Arg(0) != "put" {
		fmt.Fprintln(os.Stderr, "putload: usage: putload --endpoints=URLS --conns=C --clients=K put [--key-size=S --val-size=V --total=N --sequential-keys=B]")
		os.Exit(2)
	}
	os.Exit(put(strings.Split(*endpoints, ","), int(*conns), int(*clients), flag.Args()[1:]))
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

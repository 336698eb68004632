// Package etcdproc runs a real etcd cluster on 127.0.0.1 from an etcd
// binary, for the tools that hold the playground against etcd itself: the
// golden etcdctl transcripts (app/etcdctl/internal/golden/record) and the
// throughput comparison (app/site/internal/etcdbench). The binary is built
// outside the module by the Makefile; nothing here is in the wasm.
package etcdproc

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Cluster is a running cluster of members etcd-1..etcd-N.
type Cluster struct {
	Dir          string   // the members' data and logs (etcd-i and etcd-i.log); Stop removes it
	Client, Peer []string // URLs by member index: member i is etcd-(i+1)

	procs []*exec.Cmd
	once  sync.Once
}

// healthWait bounds how long Start waits for each member to be healthy.
const healthWait = 30 * time.Second

// Start starts n members from etcdBin with their data in a fresh directory
// under parent ("" for the system's temporary directory), free ports on
// 127.0.0.1 and a cluster token unique to this start (tag, then the time),
// and returns once every member answers /health as healthy: it knows a
// leader and has no alarm. On an error nothing it started is left running
// and the directory is gone; a member that never got healthy has the end
// of its log in the error.
func Start(etcdBin, parent, tag string, n int) (*Cluster, error) {
	dir, err := os.MkdirTemp(parent, "etcd-"+tag+"-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir}
	ports, err := freePorts(2 * n)
	if err != nil {
		c.Stop()
		return nil, err
	}
	var initial []string
	for i := range n {
		c.Client = append(c.Client, fmt.Sprintf("http://127.0.0.1:%d", ports[2*i]))
		c.Peer = append(c.Peer, fmt.Sprintf("http://127.0.0.1:%d", ports[2*i+1]))
		initial = append(initial, fmt.Sprintf("etcd-%d=%s", i+1, c.Peer[i]))
	}
	token := fmt.Sprintf("etcd-play-%s-%d", tag, time.Now().UnixNano())
	for i := range n {
		name := fmt.Sprintf("etcd-%d", i+1)
		logf, err := os.Create(filepath.Join(dir, name+".log"))
		if err != nil {
			c.Stop()
			return nil, err
		}
		p := exec.Command(etcdBin, "--name", name, "--data-dir", filepath.Join(dir, name),
			"--listen-client-urls", c.Client[i], "--advertise-client-urls", c.Client[i],
			"--listen-peer-urls", c.Peer[i], "--initial-advertise-peer-urls", c.Peer[i],
			"--initial-cluster", strings.Join(initial, ","), "--initial-cluster-token", token,
			"--initial-cluster-state", "new")
		p.Stdout, p.Stderr = logf, logf
		err = p.Start()
		logf.Close()
		if err != nil {
			c.Stop()
			return nil, err
		}
		c.procs = append(c.procs, p)
	}
	deadline := time.Now().Add(healthWait)
	for i := range n {
		for !healthy(c.Client[i]) {
			if time.Now().After(deadline) {
				log, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("etcd-%d.log", i+1)))
				c.Stop()
				return nil, fmt.Errorf("etcd-%d not healthy after %v; the end of its log:\n%s", i+1, healthWait, tail(log, 4096))
			}
			time.Sleep(20 * time.Millisecond) // no event to wait on: poll the endpoint
		}
	}
	return c, nil
}

// Stop kills the members, waits for them to exit and removes Dir. Safe to
// call more than once and from another goroutine (a signal handler).
func (c *Cluster) Stop() {
	c.once.Do(func() {
		for _, p := range c.procs {
			p.Process.Kill()
		}
		for _, p := range c.procs {
			p.Wait()
		}
		os.RemoveAll(c.Dir)
	})
}

// freePorts returns n ports free on 127.0.0.1 when it returns (held
// together until then, so they differ).
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

// healthy: the member at url answers /health with "health":"true".
func healthy(url string) bool {
	resp, err := http.Get(url + "/health")
	if err != nil {
		return false
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode == 200 && bytes.Contains(b, []byte(`"health":"true"`))
}

// tail returns the last n bytes of b.
func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

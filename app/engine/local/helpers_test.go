package local

import (
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

func putReq(k, v string) *mvcc.PutRequest { return &mvcc.PutRequest{Key: []byte(k), Value: []byte(v)} }

// waitFor polls cond until it holds, failing after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func done(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

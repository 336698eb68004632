package cluster

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// appendQuoted (the event lines' key quoting) quotes exactly as
// strconv.AppendQuote, for every byte value and for invalid UTF-8.
func TestAppendQuotedMatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	keys := [][]byte{nil, {}, []byte("k00000001"), []byte(`a"b`), []byte(`a\b`), []byte("é"), {0xff}, {0x7f}, {0x1f}}
	for c := range 256 {
		keys = append(keys, []byte{'k', byte(c)})
	}
	for range 2000 {
		k := make([]byte, rng.IntN(12))
		for i := range k {
			k[i] = byte(0x20 + rng.IntN(0x60)) // mostly printable ASCII
			if rng.IntN(10) == 0 {
				k[i] = byte(rng.IntN(256))
			}
		}
		keys = append(keys, k)
	}
	for _, k := range keys {
		if got, want := appendQuoted([]byte("x"), k), strconv.AppendQuote([]byte("x"), string(k)); !bytes.Equal(got, want) {
			t.Fatalf("appendQuoted(%q) = %s, want %s", k, got, want)
		}
	}
}

// A call's Done channel is closed when it is answered, whether it was asked
// for before (made then) or after (an already closed channel); Answered,
// Result and LatencyTicks agree with it.
func TestCallDoneAndAnswered(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 1})
	l := waitLeader(t, c, 200)
	early := c.Do(l, Op{Put: &mvcc.PutRequest{Key: []byte("a"), Value: []byte("1")}})
	late := c.Do(l, Op{Put: &mvcc.PutRequest{Key: []byte("b"), Value: []byte("2")}})
	ch := early.Done()
	if early.Answered() || isDone(early) {
		t.Fatal("a call is answered before any tick")
	}
	if _, err := late.Result(); err == nil || late.LatencyTicks() != 0 {
		t.Fatalf("pending call: Result error %v, latency %d", err, late.LatencyTicks())
	}
	tickUntil(t, c, 100, "both answered", func() bool { return early.Answered() && late.Answered() })
	select {
	case <-ch:
	default:
		t.Fatal("the channel Done returned before the answer is not closed")
	}
	if !isDone(late) {
		t.Fatal("Done after the answer is not closed")
	}
	for _, cl := range []*Call{early, late} {
		if res, err := cl.Result(); err != nil || res.Put == nil || cl.LatencyTicks() == 0 {
			t.Fatalf("answered call: %+v, %v, latency %d", res, err, cl.LatencyTicks())
		}
	}
}

package cluster

import (
	"fmt"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// stressRange reads every stress/ key linearizably through member.
func stressRange(t *testing.T, c *Cluster, member uint64) *mvcc.RangeResponse {
	t.Helper()
	res, err := call(t, c, member, Op{Range: &mvcc.RangeRequest{Key: []byte("stress/"), End: []byte("stress0")}})
	if err != nil {
		t.Fatalf("range stress/: %v", err)
	}
	return res.Range
}

// A sequential run writes Count distinct keys Start, Start+1, ... in
// order (each once, version 1), whatever its rate, and names them in its
// start event; a second run starting inside the first overwrites only the
// keys it names.
func TestStressSequentialFillsDistinctKeys(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 5})
	l := waitLeader(t, c, 200)
	run := c.Stress(StressConfig{Rate: 7, Count: 250, Start: 40, Sequential: true, Keys: 3, ValueSize: 4})
	tickUntil(t, c, 500, "the sequential run to finish", func() bool { p := run.Progress(); return p.Total == 250 && !p.Running })
	if p := run.Progress(); p.OK != 250 || p.Failed != 0 {
		t.Fatalf("progress %+v", p)
	}
	st := converge(t, c, 100)
	if st[0].Revision != 251 || st[0].Keys != 250 {
		t.Fatalf("revision %d keys %d, want 251 and 250 (Keys: 3 is ignored)", st[0].Revision, st[0].Keys)
	}
	r := stressRange(t, c, l)
	if len(r.KVs) != 250 {
		t.Fatalf("%d stress keys, want 250", len(r.KVs))
	}
	for i, kv := range r.KVs {
		want := fmt.Sprintf("stress/%05d", 40+i)
		// Puts are issued in key order, and one member's proposals commit
		// in order, but the run spreads them over five members: only
		// the key set and one write per key are promised.
		if string(kv.Key) != want || kv.Version != 1 || len(kv.Value) != 4 {
			t.Fatalf("key %d: %s version %d value %q, want %s version 1 with a 4-byte value", i, kv.Key, kv.Version, kv.Value, want)
		}
	}
	evs := eventsOf(c, "stress")
	if len(evs) != 2 || !strings.Contains(evs[0].Text, "to keys stress/00040 .. stress/00289") {
		t.Fatalf("stress events %+v, want a start naming stress/00040 .. stress/00289 and a finish", evs)
	}

	again := c.Stress(StressConfig{Rate: 50, Count: 20, Start: 280, Sequential: true})
	tickUntil(t, c, 200, "the second run to finish", func() bool { return !again.Progress().Running })
	converge(t, c, 100)
	r = stressRange(t, c, l)
	if len(r.KVs) != 260 {
		t.Fatalf("%d stress keys after a run over 280..299, want 260", len(r.KVs))
	}
	for _, kv := range r.KVs {
		n := 0
		fmt.Sscanf(string(kv.Key), "stress/%d", &n)
		want := int64(1)
		if n >= 280 && n < 290 {
			want = 2
		}
		if kv.Version != want {
			t.Fatalf("%s has version %d, want %d", kv.Key, kv.Version, want)
		}
	}
}

// A negative Start counts as 0; numbers past 99,999 are wider but distinct.
func TestStressSequentialStartBounds(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 6})
	l := waitLeader(t, c, 200)
	for _, cfg := range []StressConfig{
		{Count: 3, Start: -5, Sequential: true, Rate: 3},
		{Count: 3, Start: 99998, Sequential: true, Rate: 3},
	} {
		run := c.Stress(cfg)
		tickUntil(t, c, 200, "the run to finish", func() bool { return !run.Progress().Running })
		if p := run.Progress(); p.OK != 3 {
			t.Fatalf("%+v: progress %+v", cfg, p)
		}
	}
	converge(t, c, 100)
	var keys []string
	for _, kv := range stressRange(t, c, l).KVs {
		keys = append(keys, string(kv.Key))
	}
	want := "[stress/00000 stress/00001 stress/00002 stress/100000 stress/99998 stress/99999]"
	if got := fmt.Sprint(keys); got != want {
		t.Fatalf("keys %s, want %s", got, want)
	}
}

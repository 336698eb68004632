package mvcc

import (
	"bytes"
	"errors"
	"math/rand"
	"testing"
)

// TestSnapshotViewPointInTime takes views at random moments of a random
// workload (writes, compactions, lease grants and revocations, restores)
// and checks, at the end, that each view still encodes exactly what
// Snapshot returned at its moment, and restores.
func TestSnapshotViewPointInTime(t *testing.T) {
	for seed := int64(1); seed <= 10; seed++ {
		rng := rand.New(rand.NewSource(seed))
		s := New()
		var leases []int64
		type taken struct {
			v    *SnapshotView
			want []byte
			step int
		}
		var views []taken
		for step := 0; step < 1500; step++ {
			s, _ = randomWrite(t, s, rng, &leases)
			if rng.Intn(50) == 0 {
				v := s.SnapshotView()
				want, err := s.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				if v.Rev() != s.Rev() {
					t.Fatalf("view rev %d, store %d", v.Rev(), s.Rev())
				}
				views = append(views, taken{v, want, step})
			}
		}
		if len(views) < 10 {
			t.Fatalf("seed %d: only %d views", seed, len(views))
		}
		for _, tk := range views {
			got, err := tk.v.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tk.want) {
				t.Fatalf("seed %d: view from step %d encodes %d bytes differing from the %d-byte snapshot then", seed, tk.step, len(got), len(tk.want))
			}
			if _, err := Restore(got); err != nil {
				t.Fatalf("seed %d step %d: %v", seed, tk.step, err)
			}
		}
	}
}

// TestSnapshotViewConcurrentWrites encodes views on one goroutine while the
// store's writer keeps writing and compacting on another (run with -race:
// the view shares the log's chunks and a clone of the lease tree).
func TestSnapshotViewConcurrentWrites(t *testing.T) {
	type taken struct {
		v    *SnapshotView
		want []byte
	}
	views := make(chan taken)
	done := make(chan error)
	go func() {
		var err error
		for tk := range views {
			got, e := tk.v.Bytes()
			if e == nil && !bytes.Equal(got, tk.want) {
				e = errMismatch
			}
			if err == nil {
				err = e
			}
		}
		done <- err
	}()
	s := New()
	rng := rand.New(rand.NewSource(7))
	var leases []int64
	for step := 0; step < 3000; step++ {
		// randomWrite restores now and then; the views of the old store
		// stay valid.
		s, _ = randomWrite(t, s, rng, &leases)
		if step%100 == 0 {
			v := s.SnapshotView()
			want, err := s.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			views <- taken{v, want} // the reader encodes while we go on writing
		}
	}
	close(views)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

var errMismatch = errors.New("view bytes differ from the snapshot taken with it")

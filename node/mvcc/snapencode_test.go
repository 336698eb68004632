package mvcc

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"
)

// encodeInPieces runs an encoder with pieces of about max bytes and checks
// each piece's bound; it returns the concatenation and the piece count.
func encodeInPieces(t *testing.T, v *SnapshotView, max int) ([]byte, int) {
	t.Helper()
	e := v.Encoder()
	var out []byte
	pieces := 0
	for {
		start := len(out)
		var done bool
		out, done = e.Next(out, max)
		pieces++
		if len(out) == start {
			t.Fatalf("max %d: piece %d is empty", max, pieces)
		}
		if done {
			break
		}
		if pieces > len(out)+10 {
			t.Fatalf("max %d: no end after %d pieces", max, pieces)
		}
	}
	if again, done := e.Next(out, max); !done || len(again) != len(out) {
		t.Fatalf("max %d: Next after done added %d bytes (done %v)", max, len(again)-len(out), done)
	}
	return out, pieces
}

// randomStore builds a store with puts, overwrites, deletes (tombstones),
// leases with attached keys, revoked leases, compactions (cached hashes).
func randomStore(t *testing.T, seed int64, ops int) *Store {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	s := New()
	leases := []int64{0}
	for i := 0; i < ops; i++ {
		key := fmt.Appendf(nil, "k%02d", rng.Intn(30))
		var err error
		switch r := rng.Intn(20); {
		case r < 12:
			val := bytes.Repeat([]byte{byte('a' + rng.Intn(26))}, rng.Intn(300))
			_, err = s.Put(&PutRequest{Key: key, Value: val, Lease: leases[rng.Intn(len(leases))]})
		case r < 15:
			_, err = s.DeleteRange(&DeleteRangeRequest{Key: key, End: fmt.Appendf(nil, "k%02d", rng.Intn(30)+1)})
		case r < 17:
			id := int64(100 + i)
			if _, err = s.LeaseGrant(&LeaseGrantRequest{ID: id, TTL: int64(5 + rng.Intn(50))}); err == nil {
				leases = append(leases, id)
			}
		case r < 18 && len(leases) > 1:
			j := 1 + rng.Intn(len(leases)-1)
			_, err = s.LeaseRevoke(leases[j])
			leases = append(leases[:j], leases[j+1:]...)
		case r < 20:
			if rev := s.Rev(); rev > s.CompactRev()+1 {
				if _, err = s.Compact(s.CompactRev() + 1 + rng.Int63n(rev-s.CompactRev())); err == nil {
					_, err = s.HashKV(0)
				}
			}
		}
		if err != nil {
			t.Fatalf("seed %d op %d: %v", seed, i, err)
		}
	}
	return s
}

// TestSnapshotEncoderEqualsBytes: for empty, small and larger stores with
// every kind of record, pieces of any size concatenate to Bytes().
func TestSnapshotEncoderEqualsBytes(t *testing.T) {
	stores := map[string]*Store{"empty": New()}
	for seed := int64(1); seed <= 12; seed++ {
		stores[fmt.Sprint("seed", seed)] = randomStore(t, seed, int(seed)*40)
	}
	for name, s := range stores {
		v := s.SnapshotView()
		want, err := v.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		// Writes after the view change neither Bytes nor the encoder.
		if _, err := s.Put(&PutRequest{Key: []byte("later"), Value: []byte("x")}); err != nil {
			t.Fatal(err)
		}
		for _, max := range []int{0, 1, 2, 7, 50, 333, 4096, len(want), len(want) + 1, 1 << 30} {
			got, pieces := encodeInPieces(t, v, max)
			if !bytes.Equal(got, want) {
				t.Fatalf("%s, max %d: %d bytes in %d pieces differ from Bytes() (%d bytes)", name, max, len(got), pieces, len(want))
			}
			if max >= len(want) && pieces != 1 {
				t.Fatalf("%s, max %d: %d pieces, want 1", name, max, pieces)
			}
		}
		if _, err := Restore(want); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

// TestSnapshotEncoderPieceBound: each piece but the last (leases and
// checksum) exceeds max by at most one stored revision.
func TestSnapshotEncoderPieceBound(t *testing.T) {
	s := New()
	for i := 0; i < 500; i++ {
		if _, err := s.Put(&PutRequest{Key: fmt.Appendf(nil, "key-%04d", i), Value: bytes.Repeat([]byte("v"), 100)}); err != nil {
			t.Fatal(err)
		}
	}
	const max, entry = 1000, 128 // an entry here is under 128 bytes
	e := s.SnapshotView().Encoder()
	for i := 0; ; i++ {
		p, done := e.Next(nil, max)
		if done {
			break
		}
		if len(p) < max || len(p) >= max+entry+64 {
			t.Fatalf("piece %d: %d bytes, want [%d, %d)", i, len(p), max, max+entry+64)
		}
	}
}

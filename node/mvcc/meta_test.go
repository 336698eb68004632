package mvcc

import (
	"bytes"
	"testing"
)

// Metadata survives Snapshot/Restore and a SnapshotView taken before a
// later SetMeta keeps the old value; a store without metadata encodes as
// version 1 (the bytes of builds that knew no metadata).
func TestMetaSnapshotRoundTrip(t *testing.T) {
	s := New()
	if _, err := s.Put(&PutRequest{Key: []byte("k"), Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	plain, _ := s.Snapshot()
	if plain[len(snapMagic)] != snapVersion {
		t.Fatalf("store without metadata: version byte %d, want %d", plain[len(snapMagic)], snapVersion)
	}
	s.SetMeta([]byte("members v1"))
	view := s.SnapshotView()
	s.SetMeta([]byte("members v2"))
	old, _ := view.Bytes()
	cur, _ := s.Snapshot()
	for _, c := range []struct {
		b    []byte
		want string
	}{{plain, ""}, {old, "members v1"}, {cur, "members v2"}} {
		r, err := Restore(c.b)
		if err != nil {
			t.Fatal(err)
		}
		if string(r.Meta()) != c.want {
			t.Fatalf("restored meta %q, want %q", r.Meta(), c.want)
		}
		if r.Rev() != s.Rev() {
			t.Fatalf("restored rev %d, want %d", r.Rev(), s.Rev())
		}
	}
	// Pieces of any size concatenate to the one-piece bytes.
	e := view.Encoder()
	var got []byte
	for done := false; !done; {
		got, done = e.Next(got, 1)
	}
	if !bytes.Equal(got, old) {
		t.Fatal("pieced encoding differs from Bytes")
	}
}

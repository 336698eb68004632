//go:build js

package durable

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// TestIndexedDBRealQuota fills a real disk: it runs only when the browser's
// profile lives on a small file system (make test-idb-quota mounts a 40 MiB
// tmpfs and sets DURABLE_SMALL_DISK=1), because Chromium's quota is a share
// of the disk and filling a normal one is not cheap. It proves that a real
// QuotaExceededError surfaces as ErrQuota, that the refused batch leaves no
// trace, that everything stored before is intact, and that RaftStorage's
// mirror does not move.
func TestIndexedDBRealQuota(t *testing.T) {
	if os.Getenv("DURABLE_SMALL_DISK") != "1" {
		t.Skip("needs the browser profile on a small disk: make test-idb-quota")
	}
	m := idbMedium(t)
	db := m.open(t)
	st := mustRaftStorage(t, db, "member-1")
	boot := raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: []uint64{1}}}}
	ents := []raftpb.Entry{{Index: 2, Term: 1, Data: []byte("acknowledged")}}
	if err := st.Save(raftpb.HardState{Term: 1, Commit: 2}, ents, boot); err != nil {
		t.Fatal(err)
	}
	raftBefore := raftState(t, st)

	filler := mustOpen(t, db, "filler")
	rng := rand.New(rand.NewSource(1))
	chunk := make([]byte, 1<<20) // incompressible
	var quotaErr error
	stored := 0
	for i := 0; i < 200 && quotaErr == nil; i++ {
		rng.Read(chunk)
		var b Batch
		b.Put([]byte(fmt.Sprintf("marker-%03d", i)), []byte("x"))
		b.Put([]byte(fmt.Sprintf("chunk-%03d", i)), chunk)
		if err := filler.Write(&b); err != nil {
			quotaErr = err
			if !errors.Is(err, ErrQuota) {
				t.Fatalf("batch %d on a full disk: %v, want ErrQuota", i, err)
			}
			// The refused batch left nothing, not even its small put.
			wantMissing(t, filler, []byte(fmt.Sprintf("marker-%03d", i)))
			t.Logf("disk full after %d MiB: %v", i, err)
			break
		}
		stored++
	}
	if quotaErr == nil {
		t.Fatal("no quota error after writing 200 MiB: is the profile on a small disk?")
	}
	// A raft Save refused for lack of space changes nothing either.
	big := []raftpb.Entry{{Index: 3, Term: 1, Data: chunk}, {Index: 4, Term: 1, Data: chunk}}
	if err := st.Save(raftpb.HardState{Term: 1, Commit: 4}, big, raftpb.Snapshot{}); !errors.Is(err, ErrQuota) {
		t.Fatalf("raft Save on a full disk: %v, want ErrQuota", err)
	}
	if got := raftState(t, st); got != raftBefore {
		t.Fatalf("refused Save moved the mirror:\n%s\nwant\n%s", got, raftBefore)
	}
	// Everything acknowledged before is intact: every filler batch and the
	// member's raft state, read back through a fresh connection.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = m.open(t)
	st = mustRaftStorage(t, db, "member-1")
	if got := raftState(t, st); got != raftBefore {
		t.Fatalf("after reopening:\n%s\nwant\n%s", got, raftBefore)
	}
	filler = mustOpen(t, db, "filler")
	var markers, chunks int
	err := filler.Scan(nil, nil, func(k, v []byte) error {
		switch {
		case strings.HasPrefix(string(k), "marker-"):
			markers++
		case strings.HasPrefix(string(k), "chunk-") && len(v) == len(chunk):
			chunks++
		default:
			return fmt.Errorf("unexpected record %q (%d bytes)", k, len(v))
		}
		return nil
	})
	if err != nil || markers != stored || chunks != stored {
		t.Fatalf("after the full disk: %d markers, %d chunks, %v; want %d of each", markers, chunks, err, stored)
	}
	// Freeing space lets the member persist again.
	var b Batch
	b.DeleteRange([]byte("chunk-"), []byte("chunk."))
	if err := filler.Write(&b); err != nil {
		t.Fatalf("deleting on a full disk: %v", err)
	}
	if err := st.Save(raftpb.HardState{Term: 1, Commit: 4}, big, raftpb.Snapshot{}); err != nil {
		t.Fatalf("Save after freeing space: %v", err)
	}
}

package mvcc

import (
	"encoding/binary"
	"hash/crc32"
	"reflect"
	"testing"
)

func TestCompactKeepsWhatReadsNeed(t *testing.T) {
	s := New()
	mustPut(t, s, "a", "1")   // 2
	mustPut(t, s, "a", "2")   // 3
	mustPut(t, s, "b", "1")   // 4
	mustDelete(t, s, "b", "") // 5: tombstone
	mustPut(t, s, "c", "1")   // 6
	mustDelete(t, s, "c", "") // 7: tombstone
	mustPut(t, s, "a", "3")   // 8

	_, err := s.Compact(9)
	wantErr(t, err, ErrFutureRev)
	if _, err := s.Compact(7); err != nil {
		t.Fatal(err)
	}
	// Kept: a@3 (visible at 7), c's tombstone @7 (at the compaction point),
	// a@8. Dropped: a@2, b@4, b@5 (deleted before 7), c@6.
	if st := s.Stats(); st.Revisions != 3 || st.Keys != 1 || st.CompactRev != 7 {
		t.Fatalf("stats after compact(7): %+v", st)
	}
	got := summarize(mustRange(t, s, &RangeRequest{Key: []byte("a"), End: []byte{0}, Rev: 7}).KVs)
	if want := []kvSummary{{"a", "2", 2, 3, 2, 0}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("range @7 = %+v, want %+v", got, want)
	}
	for _, rev := range []int64{7, 6} {
		_, err := s.Compact(rev)
		wantErr(t, err, ErrCompacted)
	}
	// Compacting again drops the tombstone kept at the old point.
	if _, err := s.Compact(8); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Revisions != 1 || st.Bytes != 2 {
		t.Fatalf("stats after compact(8): %+v", st)
	}
	// Version and create revision survive compaction.
	mustPut(t, s, "a", "4")
	got = summarize(mustRange(t, s, &RangeRequest{Key: []byte("a")}).KVs)
	if want := []kvSummary{{"a", "4", 2, 9, 4, 0}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after compaction %+v, want %+v", got, want)
	}
}

// expectedHash computes etcd's HashKV over explicitly listed stored pairs.
func expectedHash(pairs ...[2][]byte) uint32 {
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	h.Write([]byte("key"))
	for _, p := range pairs {
		h.Write(p[0])
		h.Write(p[1])
	}
	return h.Sum32()
}

// stored returns etcd's bucket key and value for a revision.
func stored(t *testing.T, main, sub int64, kv *KeyValue, tombstone bool) [2][]byte {
	t.Helper()
	k := binary.BigEndian.AppendUint64(nil, uint64(main))
	k = append(k, '_')
	k = binary.BigEndian.AppendUint64(k, uint64(sub))
	if tombstone {
		k = append(k, 't')
	}
	v, err := kv.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return [2][]byte{k, v}
}

func TestHashKV(t *testing.T) {
	s := New()
	h, err := s.HashKV(0)
	if err != nil || h != (HashKVResult{Hash: expectedHash(), CompactRevision: -1, HashRevision: 1}) {
		t.Fatalf("empty store hash %+v %v", h, err)
	}
	mustPut(t, s, "a", "1")   // 2
	mustPut(t, s, "b", "2")   // 3
	mustDelete(t, s, "a", "") // 4
	a2 := stored(t, 2, 0, &KeyValue{Key: []byte("a"), Value: []byte("1"), CreateRevision: 2, ModRevision: 2, Version: 1}, false)
	b3 := stored(t, 3, 0, &KeyValue{Key: []byte("b"), Value: []byte("2"), CreateRevision: 3, ModRevision: 3, Version: 1}, false)
	a4 := stored(t, 4, 0, &KeyValue{Key: []byte("a")}, true)
	for _, tc := range []struct {
		rev  int64
		want uint32
	}{{0, expectedHash(a2, b3, a4)}, {4, expectedHash(a2, b3, a4)}, {3, expectedHash(a2, b3)}, {1, expectedHash()}} {
		h, err := s.HashKV(tc.rev)
		wantRev := tc.rev
		if wantRev == 0 {
			wantRev = 4
		}
		if err != nil || h != (HashKVResult{Hash: tc.want, CompactRevision: -1, HashRevision: wantRev}) {
			t.Fatalf("HashKV(%d) = %+v %v, want hash %08x", tc.rev, h, err, tc.want)
		}
	}
	_, err = s.HashKV(5)
	wantErr(t, err, ErrFutureRev)

	// Compact at 4 (a tombstone at the compaction point): the compaction
	// hashes revisions <= 4 with the previous compact revision (-1), and
	// HashKV(4) returns that cached hash afterwards.
	if _, err := s.Compact(4); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "c", "3") // 5
	h, err = s.HashKV(4)
	if err != nil || h != (HashKVResult{Hash: expectedHash(a2, b3, a4), CompactRevision: -1, HashRevision: 4}) {
		t.Fatalf("cached HashKV(4) = %+v %v", h, err)
	}
	// A fresh hash at 5: b@3 is the kept revision; the tombstone at the
	// compaction revision is skipped.
	c5 := stored(t, 5, 0, &KeyValue{Key: []byte("c"), Value: []byte("3"), CreateRevision: 5, ModRevision: 5, Version: 1}, false)
	h, err = s.HashKV(5)
	if err != nil || h != (HashKVResult{Hash: expectedHash(b3, c5), CompactRevision: 4, HashRevision: 5}) {
		t.Fatalf("HashKV(5) = %+v %v", h, err)
	}
	if _, err := s.Compact(5); err != nil {
		t.Fatal(err)
	}
	_, err = s.HashKV(3)
	wantErr(t, err, ErrCompacted)
	// Still cached although 4 < the compaction revision, as in etcd.
	if h, err := s.HashKV(4); err != nil || h.CompactRevision != -1 {
		t.Fatalf("HashKV(4) after compact(5) = %+v %v", h, err)
	}
}

func TestHashCacheKeepsTen(t *testing.T) {
	s := New()
	for i := 0; i < 15; i++ {
		mustPut(t, s, "k", "v")
		if _, err := s.Compact(s.Rev()); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.hashes) != hashCacheSize || s.hashes[0].HashRevision != 7 || s.hashes[9].HashRevision != 16 {
		t.Fatalf("cache %+v", s.hashes)
	}
	_, err := s.HashKV(6) // evicted and compacted
	wantErr(t, err, ErrCompacted)
}

// A txn may delete a key with a from-key delete and put it again in the
// same revision (etcd's duplicate-key check lets "\x00" ends through).
// Compacting at exactly that revision crashes etcd v3.6.6
// (etcd-io/etcd#22376); the store must keep the live value instead.
func TestCompactAtDeleteAndRecreateRevision(t *testing.T) {
	s := New()
	mustPut(t, s, "b", "old") // 2
	r, err := s.Txn(&TxnRequest{Success: []RequestOp{
		{DeleteRange: &DeleteRangeRequest{Key: []byte("a"), End: []byte{0}}},
		put("b", "new"),
	}}) // 3: b tombstoned (3.0) and recreated (3.1)
	if err != nil || r.Header.Revision != 3 {
		t.Fatalf("txn %+v %v", r, err)
	}
	want := []kvSummary{{"b", "new", 3, 3, 1, 0}}
	if _, err := s.Compact(3); err != nil {
		t.Fatal(err)
	}
	for _, rev := range []int64{0, 3} {
		got := summarize(mustRange(t, s, &RangeRequest{Key: []byte("b"), Rev: rev}).KVs)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("b@%d after compact(3) = %+v, want %+v", rev, got, want)
		}
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Restore(snap)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	sameStore(t, s, r2)
	mustPut(t, s, "b", "newer")
	got := summarize(mustRange(t, s, &RangeRequest{Key: []byte("b")}).KVs)
	if want := []kvSummary{{"b", "newer", 3, 4, 2, 0}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after another put %+v, want %+v", got, want)
	}
	if _, err := s.Compact(4); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Revisions != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// The reverse order in one txn, put then from-key delete of the same key,
// is etcd-compatible: compaction at that revision keeps only the tombstone,
// as etcd does.
func TestCompactAtPutAndDeleteRevision(t *testing.T) {
	s := New()
	mustPut(t, s, "b", "old") // 2
	if _, err := s.Txn(&TxnRequest{Success: []RequestOp{
		put("b", "gone"),
		{DeleteRange: &DeleteRangeRequest{Key: []byte("b"), End: []byte{0}}},
	}}); err != nil { // 3: b@3.0 put, b@3.1 tombstone
		t.Fatal(err)
	}
	if _, err := s.Compact(3); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Revisions != 1 || st.Keys != 0 {
		t.Fatalf("stats %+v: want only the tombstone kept", st)
	}
	snap, _ := s.Snapshot()
	r, err := Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	sameStore(t, s, r)
}

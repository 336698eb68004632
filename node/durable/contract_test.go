package durable

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// medium is one implementation under the store contract.
type medium struct {
	// open opens the medium; every DB one medium's open returns sees the
	// same stored data (a reopen after DB.Close is a restart).
	open func(t *testing.T) *DB
	// hold, if set, makes later batches stay in flight until the returned
	// release is called (media whose writes finish synchronously need it
	// to be caught by Kill).
	hold func() (release func())
	// setQuota, if set, limits the stored bytes (0: unlimited).
	setQuota func(bytes int64)
}

// runContract runs the store contract against m; every subtest gets a fresh
// medium from newMedium.
func runContract(t *testing.T, newMedium func(t *testing.T) medium) {
	tests := []struct {
		name string
		run  func(t *testing.T, m medium)
	}{
		{"RoundTrip", testRoundTrip},
		{"Ordering", testOrdering},
		{"BatchOrderAndAtomicDelete", testBatchOrder},
		{"RangeDeleteCompaction", testRangeDelete},
		{"NamespacesIsolated", testNamespaces},
		{"SurvivesReopen", testReopen},
		{"ChecksumDetectsFlippedBit", testCorruptBit},
		{"ChecksumDetectsTruncation", testTruncated},
		{"RecordUnderWrongKey", testWrongKey},
		{"Wipe", testWipe},
		{"KillAbandonsInFlightBatch", testKill},
		{"CloseIsCleanStop", testClose},
		{"Quota", testQuota},
		{"WriteKeepsNoValue", testWriteKeepsNoValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newMedium(t)) })
	}
}

func mustOpen(t *testing.T, db *DB, ns string) *Namespace {
	t.Helper()
	n, err := db.Open(ns)
	if err != nil {
		t.Fatalf("Open(%q): %v", ns, err)
	}
	return n
}

func mustWrite(t *testing.T, n *Namespace, b *Batch) {
	t.Helper()
	if err := n.Write(b); err != nil {
		t.Fatalf("Write to %q: %v", n.Name(), err)
	}
}

func wantValue(t *testing.T, n *Namespace, key, want []byte) {
	t.Helper()
	got, err := n.Get(key)
	if err != nil {
		t.Fatalf("Get(%q) in %q: %v", key, n.Name(), err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%q) in %q = %q, want %q", key, n.Name(), got, want)
	}
}

func wantMissing(t *testing.T, n *Namespace, key []byte) {
	t.Helper()
	if v, err := n.Get(key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(%q) in %q = %q, %v; want ErrNotFound", key, n.Name(), v, err)
	}
}

// scanAll returns the keys and values of [start, end) as "key=value" lines.
func scanAll(t *testing.T, n *Namespace, start, end []byte) []string {
	t.Helper()
	var out []string
	if err := n.Scan(start, end, func(k, v []byte) error {
		out = append(out, fmt.Sprintf("%x=%s", k, v))
		return nil
	}); err != nil {
		t.Fatalf("Scan(%q, %q) in %q: %v", start, end, n.Name(), err)
	}
	return out
}

func idx(i uint64) []byte { return binary.BigEndian.AppendUint64([]byte("e"), i) }

func testRoundTrip(t *testing.T, m medium) {
	db := m.open(t)
	n := mustOpen(t, db, "member-1")
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	var b Batch
	b.Put([]byte("k"), []byte("v"))
	b.Put([]byte{}, []byte("empty key"))
	b.Put([]byte{0, 0xff, 0}, []byte{}) // binary key, empty value
	b.Put([]byte("big"), big)
	mustWrite(t, n, &b)
	wantValue(t, n, []byte("k"), []byte("v"))
	wantValue(t, n, nil, []byte("empty key"))
	wantValue(t, n, []byte{0, 0xff, 0}, []byte{})
	wantValue(t, n, []byte("big"), big)
	wantMissing(t, n, []byte("k\x00"))
	wantMissing(t, n, []byte("missing"))
	// Overwrite.
	b.Reset()
	b.Put([]byte("k"), []byte("v2"))
	mustWrite(t, n, &b)
	wantValue(t, n, []byte("k"), []byte("v2"))
	// An empty batch is a no-op.
	mustWrite(t, n, &Batch{})
}

func testOrdering(t *testing.T, m medium) {
	db := m.open(t)
	n := mustOpen(t, db, "member-1")
	keys := []string{"", "\x00", "\x00\x00", "\x01", "a", "a\x00", "ab", "a\xff", "b", "\x7f", "\x80", "\xff", "\xff\xff"}
	perm := rand.New(rand.NewSource(1)).Perm(len(keys))
	var b Batch
	for _, i := range perm {
		b.Put([]byte(keys[i]), []byte(fmt.Sprint(i)))
	}
	mustWrite(t, n, &b)
	sorted := append([]string(nil), keys...)
	// keys is already in bytewise order; check the test's own premise.
	for i := 1; i < len(sorted); i++ {
		if sorted[i-1] >= sorted[i] {
			t.Fatalf("test keys not sorted at %d", i)
		}
	}
	line := func(i int) string { return fmt.Sprintf("%x=%d", keys[i], i) }
	var want []string
	for i := range keys {
		want = append(want, line(i))
	}
	if got := scanAll(t, n, nil, nil); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("Scan(all) =\n%v\nwant\n%v", got, want)
	}
	// Half-open [a, b): a, a\x00, ab, a\xff.
	if got, w := scanAll(t, n, []byte("a"), []byte("b")), want[4:8]; strings.Join(got, " ") != strings.Join(w, " ") {
		t.Fatalf("Scan([a, b)) = %v, want %v", got, w)
	}
	// [\x80, nil): to the end of the namespace.
	if got, w := scanAll(t, n, []byte("\x80"), nil), want[10:]; strings.Join(got, " ") != strings.Join(w, " ") {
		t.Fatalf("Scan([\\x80, end)) = %v, want %v", got, w)
	}
	// Empty and inverted ranges.
	if got := scanAll(t, n, []byte("b"), []byte("b")); len(got) != 0 {
		t.Fatalf("Scan([b, b)) = %v, want nothing", got)
	}
	if got := scanAll(t, n, []byte("b"), []byte("a")); len(got) != 0 {
		t.Fatalf("Scan([b, a)) = %v, want nothing", got)
	}
	// fn's error stops the scan and is returned.
	stop := errors.New("stop")
	calls := 0
	if err := n.Scan(nil, nil, func(k, v []byte) error { calls++; return stop }); err != stop || calls != 1 {
		t.Fatalf("Scan with failing fn: err %v after %d calls, want stop after 1", err, calls)
	}
}

func testBatchOrder(t *testing.T, m medium) {
	db := m.open(t)
	n := mustOpen(t, db, "member-1")
	var b Batch
	for i := uint64(1); i <= 5; i++ {
		b.Put(idx(i), []byte("old"))
	}
	mustWrite(t, n, &b)
	// Within a batch, operations apply in order: delete everything, then
	// put 3 back; put 6, then delete it.
	b.Reset()
	b.DeleteRange(nil, nil)
	b.Put(idx(3), []byte("new"))
	b.Put(idx(6), []byte("gone"))
	b.Delete(idx(6))
	mustWrite(t, n, &b)
	if got, want := scanAll(t, n, nil, nil), []string{fmt.Sprintf("%x=new", idx(3))}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("after delete-all + put: %v, want %v", got, want)
	}
}

func testRangeDelete(t *testing.T, m medium) {
	db := m.open(t)
	n := mustOpen(t, db, "member-1")
	var b Batch
	b.Put([]byte("h"), []byte("hardstate"))
	for i := uint64(1); i <= 300; i++ {
		b.Put(idx(i), []byte(fmt.Sprint(i)))
	}
	mustWrite(t, n, &b)
	// Compact entries <= 255 (crosses a byte boundary of the index).
	b.Reset()
	b.DeleteRange(idx(0), idx(256))
	mustWrite(t, n, &b)
	got := scanAll(t, n, idx(0), idx(1<<63))
	if len(got) != 45 || got[0] != fmt.Sprintf("%x=256", idx(256)) || got[44] != fmt.Sprintf("%x=300", idx(300)) {
		t.Fatalf("after compaction to 255: %d entries, first %q", len(got), got[:min(1, len(got))])
	}
	wantValue(t, n, []byte("h"), []byte("hardstate"))
	// An open-ended range deletes to the end of the namespace: entries
	// from 290 on and "h", which sorts after "e...".
	b.Reset()
	b.DeleteRange(idx(290), nil)
	mustWrite(t, n, &b)
	if got := scanAll(t, n, nil, nil); len(got) != 34 { // 256..289
		t.Fatalf("after tail delete: %d records, want 34: %v", len(got), got)
	}
	wantMissing(t, n, []byte("h"))
}

func testNamespaces(t *testing.T, m medium) {
	db := m.open(t)
	a, ab := mustOpen(t, db, "a"), mustOpen(t, db, "ab")
	var b Batch
	b.Put([]byte("k"), []byte("in a"))
	mustWrite(t, a, &b)
	b.Reset()
	b.Put([]byte("k"), []byte("in ab"))
	b.Put([]byte("z"), []byte("in ab"))
	mustWrite(t, ab, &b)
	wantValue(t, a, []byte("k"), []byte("in a"))
	wantValue(t, ab, []byte("k"), []byte("in ab"))
	if got := scanAll(t, a, nil, nil); len(got) != 1 {
		t.Fatalf("namespace a sees %v", got)
	}
	b.Reset()
	b.DeleteRange(nil, nil)
	mustWrite(t, a, &b)
	if got := scanAll(t, ab, nil, nil); len(got) != 2 {
		t.Fatalf("deleting all of a changed ab: %v", got)
	}
	if _, err := db.Open("a"); !errors.Is(err, ErrInUse) {
		t.Fatalf("second Open of a live namespace: %v, want ErrInUse", err)
	}
	if _, err := db.Open(""); err == nil {
		t.Fatal("Open of the empty namespace name succeeded")
	}
}

func testReopen(t *testing.T, m medium) {
	db := m.open(t)
	n := mustOpen(t, db, "member-3")
	var b Batch
	b.Put([]byte("h"), []byte("term 7"))
	b.Put(idx(1), []byte("one"))
	mustWrite(t, n, &b)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.Write(&b); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after DB.Close: %v, want ErrClosed", err)
	}
	db2 := m.open(t)
	n2 := mustOpen(t, db2, "member-3")
	wantValue(t, n2, []byte("h"), []byte("term 7"))
	wantValue(t, n2, idx(1), []byte("one"))
}

// putRaw stores rec as the record of key, bypassing encoding (corruption).
func putRaw(t *testing.T, db *DB, ns string, key, rec []byte) {
	t.Helper()
	if err := db.b.write(ns, []op{{kind: opPutRecord, key: key, value: rec}}, nil, nil); err != nil {
		t.Fatalf("raw put: %v", err)
	}
}

func wantCorrupt(t *testing.T, err error, ns string, key []byte, reason string) {
	t.Helper()
	var ce *CorruptError
	if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) {
		t.Fatalf("got %v, want a *CorruptError", err)
	}
	if ce.Namespace != ns || !bytes.Equal(ce.Key, key) || !strings.Contains(ce.Reason, reason) {
		t.Fatalf("got %q, want namespace %q, key %q, reason containing %q", err, ns, key, reason)
	}
}

// corruptCase stores a good record under "a" and "c" and a damaged one under
// "b", then checks that Get and Scan report it.
func corruptCase(t *testing.T, m medium, damage func(rec []byte) []byte, reason string) {
	db := m.open(t)
	n := mustOpen(t, db, "member-2")
	var b Batch
	b.Put([]byte("a"), []byte("fine"))
	b.Put([]byte("c"), []byte("fine"))
	mustWrite(t, n, &b)
	putRaw(t, db, "member-2", []byte("b"), damage(encodeRecord("member-2", []byte("b"), []byte("a value of some length"))))
	_, err := n.Get([]byte("b"))
	wantCorrupt(t, err, "member-2", []byte("b"), reason)
	var seen []string
	err = n.Scan(nil, nil, func(k, v []byte) error { seen = append(seen, string(k)); return nil })
	if strings.Join(seen, ",") != "a" {
		t.Fatalf("Scan passed %v before the bad record, want [a]", seen)
	}
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Namespace != "member-2" {
		t.Fatalf("Scan over a bad record: %v, want a *CorruptError in member-2", err)
	}
	// Good records still read.
	wantValue(t, n, []byte("c"), []byte("fine"))
}

func testCorruptBit(t *testing.T, m medium) {
	corruptCase(t, m, func(rec []byte) []byte { rec[len(rec)-3] ^= 0x10; return rec }, "checksum mismatch")
}

func testTruncated(t *testing.T, m medium) {
	corruptCase(t, m, func(rec []byte) []byte { return rec[:len(rec)-5] }, "truncated")
}

func testWrongKey(t *testing.T, m medium) {
	db := m.open(t)
	n := mustOpen(t, db, "member-2")
	putRaw(t, db, "member-2", []byte("x"), encodeRecord("member-2", []byte("y"), []byte("v")))
	_, err := n.Get([]byte("x"))
	wantCorrupt(t, err, "member-2", []byte("x"), "holds key")
	// A record copied from another namespace fails its checksum.
	putRaw(t, db, "member-2", []byte("z"), encodeRecord("member-1", []byte("z"), []byte("v")))
	_, err = n.Get([]byte("z"))
	wantCorrupt(t, err, "member-2", []byte("z"), "checksum mismatch")
}

func testWipe(t *testing.T, m medium) {
	db := m.open(t)
	a, b := mustOpen(t, db, "member-1"), mustOpen(t, db, "member-2")
	var bt Batch
	for i := uint64(1); i <= 10; i++ {
		bt.Put(idx(i), []byte("x"))
	}
	mustWrite(t, a, &bt)
	mustWrite(t, b, &bt)
	if err := db.Wipe("member-1"); !errors.Is(err, ErrInUse) {
		t.Fatalf("Wipe of an open namespace: %v, want ErrInUse", err)
	}
	a.Close()
	if err := db.Wipe("member-1"); err != nil {
		t.Fatalf("Wipe: %v", err)
	}
	a = mustOpen(t, db, "member-1")
	if got := scanAll(t, a, nil, nil); len(got) != 0 {
		t.Fatalf("wiped namespace holds %v", got)
	}
	if got := scanAll(t, b, nil, nil); len(got) != 10 {
		t.Fatalf("Wipe of member-1 changed member-2: %d records", len(got))
	}
}

func testKill(t *testing.T, m medium) {
	db := m.open(t)
	n := mustOpen(t, db, "member-4")
	var b Batch
	b.Put([]byte("h"), []byte("acknowledged"))
	mustWrite(t, n, &b)

	issued := make(chan string, 1)
	db.testHookIssued = func(ns string) { issued <- ns }
	release := func() {}
	if m.hold != nil {
		release = m.hold()
	}
	b.Reset()
	b.Put([]byte("h"), []byte("in flight"))
	b.Put(idx(1), []byte("in flight"))
	werr := make(chan error, 1)
	go func() { werr <- n.Write(&b) }()
	if ns := <-issued; ns != "member-4" {
		t.Fatalf("issued hook for %q", ns)
	}
	n.Kill()
	release()
	db.testHookIssued = nil
	if err := <-werr; !errors.Is(err, ErrKilled) {
		t.Fatalf("in-flight Write after Kill: %v, want ErrKilled", err)
	}
	if err := n.Write(&b); !errors.Is(err, ErrKilled) {
		t.Fatalf("Write after Kill: %v, want ErrKilled", err)
	}
	if _, err := n.Get([]byte("h")); !errors.Is(err, ErrKilled) {
		t.Fatalf("Get after Kill: %v, want ErrKilled", err)
	}
	// Restart: the acknowledged state survived, the in-flight batch did not.
	n2 := mustOpen(t, db, "member-4")
	wantValue(t, n2, []byte("h"), []byte("acknowledged"))
	wantMissing(t, n2, idx(1))
}

func testClose(t *testing.T, m medium) {
	db := m.open(t)
	n := mustOpen(t, db, "member-5")
	var b Batch
	b.Put([]byte("k"), []byte("v"))
	mustWrite(t, n, &b)
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.Write(&b); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close: %v, want ErrClosed", err)
	}
	n2 := mustOpen(t, db, "member-5")
	wantValue(t, n2, []byte("k"), []byte("v"))
}

func testQuota(t *testing.T, m medium) {
	if m.setQuota == nil {
		t.Skip("this medium cannot simulate a quota: TestIndexedDBRealQuota (make test-idb-quota) fills a real one")
	}
	db := m.open(t)
	n := mustOpen(t, db, "member-1")
	var b Batch
	for i := uint64(1); i <= 10; i++ {
		b.Put(idx(i), bytes.Repeat([]byte("v"), 100))
	}
	mustWrite(t, n, &b)
	before := scanAll(t, n, nil, nil)
	m.setQuota(4000)
	// A batch deleting some records and adding more than the quota allows
	// fails as a whole: the deletes are undone too.
	b.Reset()
	b.DeleteRange(idx(1), idx(4))
	b.Put(idx(1), []byte("replaced"))
	for i := uint64(11); i <= 50; i++ {
		b.Put(idx(i), bytes.Repeat([]byte("w"), 100))
	}
	if err := n.Write(&b); !errors.Is(err, ErrQuota) {
		t.Fatalf("Write over quota: %v, want ErrQuota", err)
	}
	if after := scanAll(t, n, nil, nil); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Fatalf("failed batch changed the store:\nbefore %v\nafter  %v", before, after)
	}
	// Small writes still fit; lifting the quota lets the batch through.
	var small Batch
	small.Put([]byte("h"), []byte("x"))
	mustWrite(t, n, &small)
	m.setQuota(0)
	mustWrite(t, n, &b)
	if got := scanAll(t, n, idx(0), idx(1000)); len(got) != 48 {
		t.Fatalf("after the batch: %d entries, want 48", len(got))
	}
}

// testWriteKeepsNoValue: once Write returned, the medium holds its own copy
// of every value (backend.write's invariant, on which RaftStorage's buffer
// reuse rests): a caller reusing a value's buffer changes nothing stored.
func testWriteKeepsNoValue(t *testing.T, m medium) {
	db := m.open(t)
	n := mustOpen(t, db, "member-1")
	buf := []byte("first value")
	var b Batch
	b.putOwned([]byte("a"), buf)
	if err := n.Write(&b); err != nil {
		t.Fatal(err)
	}
	copy(buf, "XXXXX")
	b.Reset()
	b.putOwned([]byte("b"), buf)
	if err := n.Write(&b); err != nil {
		t.Fatal(err)
	}
	copy(buf, "YYYYY")
	wantValue(t, n, []byte("a"), []byte("first value"))
	wantValue(t, n, []byte("b"), []byte("XXXXX value"))
	n.Close()
	db.Close()
	db2 := m.open(t)
	n2 := mustOpen(t, db2, "member-1")
	wantValue(t, n2, []byte("a"), []byte("first value"))
	wantValue(t, n2, []byte("b"), []byte("XXXXX value"))
}

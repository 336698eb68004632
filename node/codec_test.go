package node

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

func sampleRequests() []*request {
	return []*request{
		{id: 1, kind: kindPut, put: &mvcc.PutRequest{Key: []byte("k"), Value: []byte("v"), Lease: 7, PrevKV: true}},
		{id: 2, kind: kindPut, put: &mvcc.PutRequest{Key: []byte("k"), Value: []byte{}}},
		{id: 3, kind: kindPut, put: &mvcc.PutRequest{Key: []byte("k")}},
		{id: 4, kind: kindDeleteRange, deleteRange: &mvcc.DeleteRangeRequest{Key: []byte("a"), End: []byte{0}, PrevKV: true}},
		{id: 5, kind: kindTxn, txn: &mvcc.TxnRequest{
			Compare: []mvcc.Compare{
				{Key: []byte("a"), Target: mvcc.CompareValue, Result: mvcc.CompareNotEqual, Value: []byte("x")},
				{Key: []byte("b"), End: []byte("c"), Target: mvcc.CompareMod, Result: mvcc.CompareLess, ModRevision: -3},
			},
			Success: []mvcc.RequestOp{
				{Put: &mvcc.PutRequest{Key: []byte("a"), Value: []byte("y")}},
				{Range: &mvcc.RangeRequest{Key: []byte("a"), End: []byte("z"), Rev: 4, Limit: 2,
					SortOrder: mvcc.SortDescend, SortTarget: mvcc.SortByMod, KeysOnly: true, CountOnly: true}},
				{Txn: &mvcc.TxnRequest{Failure: []mvcc.RequestOp{{DeleteRange: &mvcc.DeleteRangeRequest{Key: []byte("q")}}}}},
				{},
			},
		}},
		{id: 6, kind: kindCompact, compact: 99},
		{id: 7, kind: kindLeaseGrant, leaseGrant: &mvcc.LeaseGrantRequest{ID: 1 << 62, TTL: 30}},
		{id: 8, kind: kindLeaseRevoke, leaseID: 12},
		{id: 1<<64 - 1, kind: kindLeaseKeepAlive, leaseID: 13},
		{id: 14, kind: kindMemberAttrs, attrs: &MemberAttributes{ID: 3, Name: "etcd-3",
			ClientURLs: []string{"http://etcd-3:2379", ""}}},
		{id: 15, kind: kindMemberAttrs, attrs: &MemberAttributes{ID: 1 << 63, Name: ""}},
		{id: 16, kind: kindClusterVersion, version: "3.6.0"},
	}
}

func TestCodecRoundTrip(t *testing.T) {
	for _, r := range sampleRequests() {
		data := encodeRequest(r)
		got, err := decodeRequest(data)
		if err != nil {
			t.Fatalf("request %d: %v", r.id, err)
		}
		if !reflect.DeepEqual(withoutTop(got), withoutTop(r)) {
			t.Fatalf("request %d: round trip\n got %+v\nwant %+v", r.id, got, r)
		}
		if again := encodeRequest(got); !bytes.Equal(again, data) {
			t.Fatalf("request %d: encoding is not deterministic", r.id)
		}
	}
}

// Every truncation and every single-byte corruption of a valid entry either
// decodes or fails with errCorruptEntry; none panics.
func TestCodecRejectsDamagedInput(t *testing.T) {
	for _, r := range sampleRequests() {
		data := encodeRequest(r)
		for n := 0; n < len(data); n++ {
			if _, err := decodeRequest(data[:n]); !errors.Is(err, errCorruptEntry) {
				t.Fatalf("request %d cut to %d bytes: err %v, want errCorruptEntry", r.id, n, err)
			}
			checkDecodePut(t, data[:n])
		}
		if _, err := decodeRequest(append(bytes.Clone(data), 0)); !errors.Is(err, errCorruptEntry) {
			t.Fatalf("request %d with a trailing byte: err %v", r.id, err)
		}
		for i := range data {
			for _, b := range []byte{0, 1, 0x7f, 0x80, 0xff} {
				d := bytes.Clone(data)
				d[i] = b
				if _, err := decodeRequest(d); err != nil && !errors.Is(err, errCorruptEntry) {
					t.Fatalf("request %d byte %d = %#x: unexpected error %v", r.id, i, b, err)
				}
				checkDecodePut(t, d)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 10000; i++ {
		d := make([]byte, rng.IntN(64))
		for j := range d {
			d[j] = byte(rng.Uint32())
		}
		if _, err := decodeRequest(d); err != nil && !errors.Is(err, errCorruptEntry) {
			t.Fatalf("random input %x: unexpected error %v", d, err)
		}
		checkDecodePut(t, d)
	}
}

// checkDecodePut checks that decodePut (the apply path's decoder for puts)
// agrees with decodeRequest on data: the same ID and put for a valid put
// entry, errCorruptEntry for anything else.
func checkDecodePut(t *testing.T, data []byte) {
	t.Helper()
	var put mvcc.PutRequest
	id, err := decodePut(data, &put)
	want, werr := decodeRequest(data)
	if werr != nil || want.kind != kindPut {
		if !errors.Is(err, errCorruptEntry) {
			t.Fatalf("decodePut(%x): err %v, want errCorruptEntry (decodeRequest: %v)", data, err, werr)
		}
		return
	}
	if err != nil || id != want.id || !reflect.DeepEqual(put, *want.put) {
		t.Fatalf("decodePut(%x) = %d %+v %v, want %d %+v", data, id, put, err, want.id, *want.put)
	}
}

func TestCodecBoundsTxnNesting(t *testing.T) {
	txn := &mvcc.TxnRequest{}
	for i := 0; i < maxTxnDepth+2; i++ {
		txn = &mvcc.TxnRequest{Success: []mvcc.RequestOp{{Txn: txn}}}
	}
	if _, err := decodeRequest(encodeRequest(&request{kind: kindTxn, txn: txn})); !errors.Is(err, errCorruptEntry) {
		t.Fatalf("txn nested %d deep: err %v, want errCorruptEntry", maxTxnDepth+2, err)
	}
}

func FuzzDecodeRequest(f *testing.F) {
	for _, r := range sampleRequests() {
		f.Add(encodeRequest(r))
	}
	f.Add([]byte("\x050\x80\x000")) // an overlong varint: must be rejected
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodePut(t, data)
		r, err := decodeRequest(data)
		if err != nil {
			if !errors.Is(err, errCorruptEntry) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		// What decodes re-encodes to the same bytes (the encoding is canonical
		// for everything the decoder accepts, bools being 0 or 1).
		if again := encodeRequest(r); !bytes.Equal(again, data) {
			t.Fatalf("decode/encode not identity:\n in %x\nout %x", data, again)
		}
	})
}

// withoutTop returns r with its top-level request pointers replaced by
// copies of what they point to, for DeepEqual.
func withoutTop(r *request) request {
	c := request{id: r.id, kind: r.kind, txn: r.txn, compact: r.compact, leaseID: r.leaseID,
		attrs: r.attrs, version: r.version}
	if r.put != nil {
		c.putBuf = *r.put
	}
	if r.deleteRange != nil {
		c.delBuf = *r.deleteRange
	}
	if r.leaseGrant != nil {
		c.grantBuf = *r.leaseGrant
	}
	return c
}

// BenchmarkDecodePut: decoding one put entry (16-byte value), as every
// member does for every put it applies.
func BenchmarkDecodePut(b *testing.B) {
	data := encodeRequest(&request{id: 0x1234567800000042, kind: kindPut, put: &mvcc.PutRequest{Key: []byte("k00000042"), Value: make([]byte, 16)}})
	var put mvcc.PutRequest
	for b.Loop() {
		if _, err := decodePut(data, &put); err != nil {
			b.Fatal(err)
		}
	}
}

// decodePutShort decodes the common put entries itself (the apply path
// relies on it for speed) with decodeRequest's result, and leaves the
// others (an empty key or value, a length or lease needing more than one
// byte) to the general paths.
func TestDecodePutShort(t *testing.T) {
	long := bytes.Repeat([]byte("v"), 127)
	for _, tc := range []struct {
		put   mvcc.PutRequest
		id    uint64
		short bool
	}{
		{mvcc.PutRequest{Key: []byte("k00000042"), Value: make([]byte, 16)}, 0x1234567800000042, true},
		{mvcc.PutRequest{Key: []byte("a"), Value: []byte("b"), Lease: -64, PrevKV: true}, 0, true},
		{mvcc.PutRequest{Key: long[:126], Value: long[:126], Lease: 63}, 1<<63 - 1, true},
		{mvcc.PutRequest{Key: []byte("k"), Value: []byte("v")}, 1 << 63, false}, // 10-byte ID
		{mvcc.PutRequest{Key: []byte("k"), Value: long}, 7, false},
		{mvcc.PutRequest{Key: long, Value: []byte("v")}, 7, false},
		{mvcc.PutRequest{Key: []byte("k")}, 7, false},
		{mvcc.PutRequest{Key: []byte("k"), Value: []byte("v"), Lease: 64}, 7, false},
		{mvcc.PutRequest{Key: []byte("k"), Value: []byte("v"), Lease: -65}, 7, false},
	} {
		data := encodeRequest(&request{id: tc.id, kind: kindPut, put: &tc.put})
		var got mvcc.PutRequest
		id, ok := decodePutShort(data, &got)
		if ok != tc.short {
			t.Errorf("decodePutShort(%+v, id %x): ok = %v, want %v", tc.put, tc.id, ok, tc.short)
			continue
		}
		checkDecodePut(t, data)
		if ok && (id != tc.id || !reflect.DeepEqual(got, tc.put)) {
			t.Errorf("decodePutShort = %x %+v, want %x %+v", id, got, tc.id, tc.put)
		}
	}
	// Truncated or extended entries are not put entries it decodes.
	data := encodeRequest(&request{id: 9, kind: kindPut, put: &mvcc.PutRequest{Key: []byte("k"), Value: []byte("v")}})
	for n := range len(data) {
		if _, ok := decodePutShort(data[:n], new(mvcc.PutRequest)); ok {
			t.Errorf("decodePutShort accepted %x, a prefix of %x", data[:n], data)
		}
		checkDecodePut(t, data[:n])
	}
	if _, ok := decodePutShort(append(data, 0), new(mvcc.PutRequest)); ok {
		t.Errorf("decodePutShort accepted a trailing byte")
	}
}

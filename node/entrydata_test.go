package node

import (
	"bytes"
	"math"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// encodePut writes exactly encodeRequest's bytes for a put, into buffers
// that do not overlap (each has no spare capacity, so appending to one
// cannot reach the next), from shared blocks except for large ones.
func TestEncodePut(t *testing.T) {
	var d entryData
	big := bytes.Repeat([]byte("x"), entryBlock)
	var bufs [][]byte
	var want [][]byte
	for i, p := range []mvcc.PutRequest{
		{Key: []byte("k00000042"), Value: make([]byte, 16)},
		{Key: []byte("k")},
		{Key: []byte("k"), Value: []byte{}},
		{Key: []byte{}, Value: []byte("v")},
		{Key: []byte("k"), Value: []byte("v"), Lease: -1, PrevKV: true},
		{Key: []byte("k"), Value: []byte("v"), Lease: math.MaxInt64},
		{Key: []byte("k"), Value: []byte("v"), Lease: math.MinInt64},
		{Key: big[:200], Value: big[:entryBlock/8]},
		{Key: []byte("k"), Value: big},
	} {
		for _, id := range []uint64{0, 1, 127, 128, 1<<63 + uint64(i)} {
			got := encodePut(&d, id, &p)
			w := encodeRequest(&request{id: id, kind: kindPut, put: &p})
			if !bytes.Equal(got, w) {
				t.Fatalf("encodePut(%d, %+v) = %x, encodeRequest: %x", id, p, got, w)
			}
			if cap(got) != len(got) {
				t.Fatalf("encodePut(%d, %+v): capacity %d > length %d", id, p, cap(got), len(got))
			}
			bufs, want = append(bufs, got), append(want, w)
		}
	}
	for i := range bufs { // later takes did not write into earlier buffers
		if !bytes.Equal(bufs[i], want[i]) {
			t.Fatalf("buffer %d changed to %x, want %x", i, bufs[i], want[i])
		}
	}
}

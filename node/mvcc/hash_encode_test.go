package mvcc

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

// appendKeyValue encodes exactly as the generated mvccpb.KeyValue marshaller
// (zero fields, empty and nil byte strings, negative and large integers).
func TestAppendKeyValueMatchesProtobuf(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	ints := []int64{0, 1, 127, 128, 300, math.MaxInt32, math.MaxInt64, -1, math.MinInt64}
	pick := func() int64 {
		if rng.IntN(2) == 0 {
			return ints[rng.IntN(len(ints))]
		}
		return rng.Int64()
	}
	blob := func() []byte {
		switch rng.IntN(4) {
		case 0:
			return nil
		case 1:
			return []byte{}
		}
		return bytes.Repeat([]byte{byte(rng.IntN(256))}, rng.IntN(300))
	}
	for range 5000 {
		kv := KeyValue{Key: blob(), CreateRevision: pick(), ModRevision: pick(), Version: pick(), Value: blob(), Lease: pick()}
		want, err := kv.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		prefix := []byte("prefix")
		got := appendKeyValue(bytes.Clone(prefix), kv.Key, kv.CreateRevision, kv.ModRevision, kv.Version, kv.Value, kv.Lease)
		if !bytes.Equal(got[len(prefix):], want) || !bytes.Equal(got[:len(prefix)], prefix) {
			t.Fatalf("%+v:\n got %x\nwant %x", kv, got[len(prefix):], want)
		}
	}
}

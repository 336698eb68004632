package cluster

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"
)

// appendQuoted (the event lines' key quoting) quotes exactly as
// strconv.AppendQuote, for every byte value and for invalid UTF-8.
func TestAppendQuotedMatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	keys := [][]byte{nil, {}, []byte("k00000001"), []byte(`a"b`), []byte(`a\b`), []byte("é"), {0xff}, {0x7f}, {0x1f}}
	for c := range 256 {
		keys = append(keys, []byte{'k', byte(c)})
	}
	for range 2000 {
		k := make([]byte, rng.IntN(12))
		for i := range k {
			k[i] = byte(0x20 + rng.IntN(0x60)) // mostly printable ASCII
			if rng.IntN(10) == 0 {
				k[i] = byte(rng.IntN(256))
			}
		}
		keys = append(keys, k)
	}
	for _, k := range keys {
		if got, want := appendQuoted([]byte("x"), k), strconv.AppendQuote([]byte("x"), string(k)); !bytes.Equal(got, want) {
			t.Fatalf("appendQuoted(%q) = %s, want %s", k, got, want)
		}
	}
}

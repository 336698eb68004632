package durable

import (
	"bytes"
	"errors"
	"testing"
)

func TestRecordRoundTrip(t *testing.T) {
	for _, c := range []struct{ key, value []byte }{
		{[]byte{}, []byte{}},
		{[]byte("k"), []byte("v")},
		{bytes.Repeat([]byte{0xff}, 300), bytes.Repeat([]byte{0}, 70000)},
	} {
		rec := encodeRecord("ns", c.key, c.value)
		k, v, err := decodeRecord("ns", c.key, rec)
		if err != nil || !bytes.Equal(k, c.key) || !bytes.Equal(v, c.value) {
			t.Fatalf("decode(encode(%q, %d bytes)) = %q, %d bytes, %v", c.key, len(c.value), k, len(v), err)
		}
		if len(rec) > len(c.key)+len(c.value)+recordOverhead {
			t.Fatalf("record of %d bytes exceeds key+value+%d", len(rec), recordOverhead)
		}
	}
}

// Every single-byte change and every truncation of a record is detected.
func TestRecordDetectsEveryFlipAndCut(t *testing.T) {
	rec := encodeRecord("member-1", []byte("e\x00\x00\x00\x00\x00\x00\x00\x07"), []byte("an entry's bytes"))
	for i := range rec {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(rec)
			bad[i] ^= mask
			if _, _, err := decodeRecord("member-1", nil, bad); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("flip %02x at byte %d: %v, want ErrCorrupt", mask, i, err)
			}
		}
	}
	for n := 0; n < len(rec); n++ {
		if _, _, err := decodeRecord("member-1", nil, rec[:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("record cut to %d bytes: %v, want ErrCorrupt", n, err)
		}
	}
	if _, _, err := decodeRecord("member-1", nil, append(bytes.Clone(rec), 0)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("record with a trailing byte: %v, want ErrCorrupt", err)
	}
}

// FuzzDecodeRecord: arbitrary stored bytes never panic or fail with
// anything but ErrCorrupt, and whatever decodes round-trips.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(encodeRecord("ns", []byte("k"), []byte("v")))
	f.Add([]byte{0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, rec []byte) {
		k, v, err := decodeRecord("ns", nil, rec)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		k2, v2, err := decodeRecord("ns", k, encodeRecord("ns", k, v))
		if err != nil || !bytes.Equal(k2, k) || !bytes.Equal(v2, v) {
			t.Fatalf("decoded record does not round-trip: %v", err)
		}
	})
}

// TestRecordSize: recordSize gives the length encodeRecord produces, at
// every varint length boundary of key and value.
func TestRecordSize(t *testing.T) {
	for _, k := range []int{0, 1, 127, 128, 16383, 16384} {
		for _, v := range []int{0, 1, 127, 128, 16383, 16384, 2097151, 2097152} {
			if got, want := recordSize(k, v), len(encodeRecord("ns", make([]byte, k), make([]byte, v))); got != want {
				t.Errorf("recordSize(%d, %d) = %d, encodeRecord gives %d bytes", k, v, got, want)
			}
		}
	}
}

package durable

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// Stored record format (the bytes a medium stores for one key):
//
//	crc32c  uint32, big-endian: CRC-32C (Castagnoli) of everything after it,
//	        seeded with the namespace (see checksum)
//	klen    uvarint: length of key
//	vlen    uvarint: length of value
//	key     klen bytes (the key again, so a record moved to another key or
//	        namespace is detected and Scan needs only the values)
//	value   vlen bytes
//
// Invariant: len(record) == 4 + len(uvarint(klen)) + len(uvarint(vlen)) + klen + vlen.

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// recordOverhead bounds the bytes a record adds to its key and value.
const recordOverhead = 4 + 2*binary.MaxVarintLen64

func checksum(ns string, body []byte) uint32 {
	c := crc32.Update(0, castagnoli, []byte(ns))
	c = crc32.Update(c, castagnoli, []byte{0})
	return crc32.Update(c, castagnoli, body)
}

// recordSize is the length of the record of a klen-byte key and a
// vlen-byte value (the invariant above).
func recordSize(klen, vlen int) int {
	return 4 + uvarintLen(uint64(klen)) + uvarintLen(uint64(vlen)) + klen + vlen
}

// uvarintLen is the length of binary.AppendUvarint's encoding of v.
func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

// encodeRecord returns the stored form of (key, value) in namespace ns, in
// a slice of its own.
func encodeRecord(ns string, key, value []byte) []byte {
	return appendRecord(make([]byte, 0, recordOverhead+len(key)+len(value)), ns, key, value)
}

// appendRecord appends the stored form of (key, value) in namespace ns to
// dst and returns the extended slice (the record is out[len(dst):]).
func appendRecord(dst []byte, ns string, key, value []byte) []byte {
	at := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst = binary.AppendUvarint(dst, uint64(len(key)))
	dst = binary.AppendUvarint(dst, uint64(len(value)))
	dst = append(dst, key...)
	dst = append(dst, value...)
	binary.BigEndian.PutUint32(dst[at:], checksum(ns, dst[at+4:]))
	return dst
}

// decodeRecord verifies rec, read from namespace ns under key (nil when the
// caller does not know the key: it is then taken from the record, and named
// in errors as far as it can be read), and
// returns the stored key and value, both aliasing rec.
func decodeRecord(ns string, key, rec []byte) (k, v []byte, err error) {
	bad := func(format string, args ...any) ([]byte, []byte, error) {
		at := key
		if at == nil {
			at = k
		}
		return nil, nil, &CorruptError{Namespace: ns, Key: clone(at), Reason: fmt.Sprintf(format, args...)}
	}
	if len(rec) < 4 {
		return bad("truncated: %d bytes, shorter than the 4-byte checksum", len(rec))
	}
	body := rec[4:]
	klen, n1 := binary.Uvarint(body)
	if n1 <= 0 {
		return bad("truncated or bad header: key length unreadable")
	}
	vlen, n2 := binary.Uvarint(body[n1:])
	if n2 <= 0 {
		return bad("truncated or bad header: value length unreadable")
	}
	payload := body[n1+n2:]
	if key == nil && klen <= uint64(len(payload)) {
		k = payload[:klen] // unverified, only to name the record in an error
	}
	// Compare without overflow: klen and vlen come from untrusted bytes.
	if klen > uint64(len(payload)) || vlen > uint64(len(payload))-klen {
		return bad("truncated: header announces %d key and %d value bytes, %d present", klen, vlen, len(payload))
	}
	if want := klen + vlen; want != uint64(len(payload)) {
		return bad("%d trailing bytes after the value", uint64(len(payload))-want)
	}
	k, v = payload[:klen], payload[klen:]
	if got, want := checksum(ns, body), binary.BigEndian.Uint32(rec); got != want {
		return bad("checksum mismatch: stored %08x, computed %08x", want, got)
	}
	if key != nil && !bytes.Equal(k, key) {
		return bad("record holds key %q", k)
	}
	return k, v, nil
}

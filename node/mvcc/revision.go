package mvcc

import "encoding/binary"

// revision identifies one change: main is the store revision of the
// transaction that made it, sub its position among that transaction's
// changes (0, 1, ...). Revisions order by (main, sub).
type revision struct {
	main int64
	sub  int64
}

// less reports whether a sorts before b.
func (a revision) less(b revision) bool {
	if a.main != b.main {
		return a.main < b.main
	}
	return a.sub < b.sub
}

// revKeyLen is the length of etcd's stored revision key: 8-byte big-endian
// main, '_', 8-byte big-endian sub. A tombstone key appends 't'.
const revKeyLen = 8 + 1 + 8

// appendRevKey appends etcd's bucket key for rev (used by HashKV, which must
// hash exactly the bytes etcd stores).
func appendRevKey(dst []byte, rev revision, tombstone bool) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(rev.main))
	dst = append(dst, '_')
	dst = binary.BigEndian.AppendUint64(dst, uint64(rev.sub))
	if tombstone {
		dst = append(dst, 't')
	}
	return dst
}

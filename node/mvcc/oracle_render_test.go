//go:build !js

package mvcc

import (
	"fmt"
	"hash/crc32"
	"slices"
	"strings"

	"go.etcd.io/etcd/api/v3/mvccpb"
)

// The differential test compares answers as text: every field a client of
// etcd can observe is rendered, so two answers are equal exactly when their
// renderings are, and a mismatch prints readably. A nil and an empty byte
// string render alike (gRPC does not distinguish them).

func renderKV(kv *KeyValue) string {
	if kv == nil {
		return "nil"
	}
	return fmt.Sprintf("{%q=%s create=%d mod=%d ver=%d lease=%d}",
		kv.Key, renderValue(kv.Value), kv.CreateRevision, kv.ModRevision, kv.Version, kv.Lease)
}

// renderValue quotes short values; a long one is its length and checksum.
func renderValue(v []byte) string {
	if len(v) <= 64 {
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf("<%d bytes crc32c %08x>", len(v), crc32.Checksum(v, crc32.MakeTable(crc32.Castagnoli)))
}

func renderKVs(kvs []*KeyValue) string {
	parts := make([]string, len(kvs))
	for i, kv := range kvs {
		parts[i] = renderKV(kv)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func renderErr(err error) string { return "error: " + err.Error() }

func renderRange(r *RangeResponse, err error) string {
	if err != nil {
		return renderErr(err)
	}
	return fmt.Sprintf("range rev=%d count=%d more=%v kvs=%s", r.Header.Revision, r.Count, r.More, renderKVs(r.KVs))
}

func renderPut(r *PutResponse, err error) string {
	if err != nil {
		return renderErr(err)
	}
	return fmt.Sprintf("put rev=%d prev=%s", r.Header.Revision, renderKV(r.PrevKV))
}

func renderDelete(r *DeleteRangeResponse, err error) string {
	if err != nil {
		return renderErr(err)
	}
	return fmt.Sprintf("delete rev=%d deleted=%d prev=%s", r.Header.Revision, r.Deleted, renderKVs(r.PrevKVs))
}

func renderTxn(r *TxnResponse, err error) string {
	if err != nil {
		return renderErr(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "txn rev=%d succeeded=%v [", r.Header.Revision, r.Succeeded)
	for i, op := range r.Responses {
		if i > 0 {
			b.WriteString("; ")
		}
		switch {
		case op.Range != nil:
			b.WriteString(renderRange(op.Range, nil))
		case op.Put != nil:
			b.WriteString(renderPut(op.Put, nil))
		case op.DeleteRange != nil:
			b.WriteString(renderDelete(op.DeleteRange, nil))
		case op.Txn != nil:
			b.WriteString(renderTxn(op.Txn, nil))
		default:
			b.WriteString("empty response op")
		}
	}
	b.WriteString("]")
	return b.String()
}

func renderCompact(r *CompactResponse, err error) string {
	if err != nil {
		return renderErr(err)
	}
	return fmt.Sprintf("compact rev=%d", r.Header.Revision)
}

func renderHash(h HashKVResult, err error) string {
	if err != nil {
		return renderErr(err)
	}
	return fmt.Sprintf("hashkv hash=%d compact=%d rev=%d", h.Hash, h.CompactRevision, h.HashRevision)
}

func renderGrant(r *LeaseGrantResponse, err error) string {
	if err != nil {
		return renderErr(err)
	}
	return fmt.Sprintf("grant rev=%d id=%d ttl=%d", r.Header.Revision, r.ID, r.TTL)
}

func renderRevoke(r *LeaseRevokeResponse, err error) string {
	if err != nil {
		return renderErr(err)
	}
	return fmt.Sprintf("revoke rev=%d", r.Header.Revision)
}

// renderTTL leaves out TTL (remaining seconds), which the member fills, and
// sorts the attached keys: etcd lists them in map order.
func renderTTL(r *LeaseTimeToLiveResponse, err error) string {
	if err != nil {
		return renderErr(err)
	}
	keys := make([]string, len(r.Keys))
	for i, k := range r.Keys {
		keys[i] = fmt.Sprintf("%q", k)
	}
	slices.Sort(keys)
	return fmt.Sprintf("timetolive rev=%d id=%d granted=%d keys=%v", r.Header.Revision, r.ID, r.GrantedTTL, keys)
}

func renderLeases(ls []LeaseInfo) string {
	return fmt.Sprintf("leases %+v", ls)
}

func renderCounters(s system) string {
	rev, compactRev, keys := s.Stats()
	return fmt.Sprintf("stats rev=%d compact=%d keys=%d revisions=%d", rev, compactRev, keys, s.StoredRevisions())
}

func renderWatchErr(err error) string {
	if err != nil {
		return renderErr(err)
	}
	return "ok"
}

// eventRecord renders one watch event with the previous key-value the
// watcher was given.
func eventRecord(ev Event, prev *KeyValue) string {
	t := "PUT"
	if ev.Type == mvccpb.DELETE {
		t = "DELETE"
	}
	return fmt.Sprintf("%s %s prev=%s", t, renderKV(ev.Kv), renderKV(prev))
}

func compactedRecord(rev int64, canceled bool) string {
	return fmt.Sprintf("compacted at %d canceled=%v", rev, canceled)
}

package mvcc

import (
	"bytes"
	"cmp"
)

// compares reports whether every compare holds at the current revision.
// Caller holds mu.
func (s *Store) compares(cs []Compare) bool {
	for i := range cs {
		if !s.compare(&cs[i]) {
			return false
		}
	}
	return true
}

// compare evaluates one guard as etcd does: every key in [Key, End) must
// satisfy it; with no key there, a VALUE compare is false and any other
// compares the zero KeyValue.
func (s *Store) compare(c *Compare) bool {
	rr, err := s.rangeAt(&RangeRequest{Key: c.Key, End: c.End}, s.rev)
	if err != nil {
		return false
	}
	if len(rr.KVs) == 0 {
		if c.Target == CompareValue {
			return false
		}
		return compareKV(c, &KeyValue{})
	}
	for _, kv := range rr.KVs {
		if !compareKV(c, kv) {
			return false
		}
	}
	return true
}

func compareKV(c *Compare, kv *KeyValue) bool {
	var r int
	switch c.Target {
	case CompareValue:
		r = bytes.Compare(kv.Value, c.Value)
	case CompareCreate:
		r = cmp.Compare(kv.CreateRevision, c.CreateRevision)
	case CompareMod:
		r = cmp.Compare(kv.ModRevision, c.ModRevision)
	case CompareVersion:
		r = cmp.Compare(kv.Version, c.Version)
	case CompareLease:
		r = cmp.Compare(kv.Lease, c.Lease)
	}
	switch c.Result {
	case CompareEqual:
		return r == 0
	case CompareNotEqual:
		return r != 0
	case CompareGreater:
		return r > 0
	case CompareLess:
		return r < 0
	}
	return true
}

package mvcc

import (
	"bytes"
	"sort"
)

// Range reads keys at r.Rev (current revision if r.Rev <= 0), as etcd's
// Range: the header carries the current revision; Count ignores Limit; More
// is set when Limit cut matches off.
//
// Returned KeyValues share byte slices with the store: callers must not
// modify them.
func (s *Store) Range(r *RangeRequest) (*RangeResponse, error) {
	if err := checkRange(r); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rangeAt(r, s.rev)
}

// rangeAt executes r with curRev as the current revision (inside a write
// txn, the txn's revision once it has written). Caller holds mu.
func (s *Store) rangeAt(r *RangeRequest, curRev int64) (*RangeResponse, error) {
	rev := r.Rev
	if rev > curRev {
		return nil, ErrFutureRev
	}
	if rev <= 0 {
		rev = curRev
	}
	if rev < s.compactRev {
		return nil, ErrCompacted
	}
	if len(r.End) == 0 && !r.CountOnly {
		return s.rangeOne(r, rev, curRev), nil
	}
	resp := &RangeResponse{Header: header(curRev)}
	if r.CountOnly {
		s.idx.visit(r.Key, r.End, func(ki *keyIndex) bool {
			if _, ok := ki.get(rev); ok {
				resp.Count++
			}
			return true
		})
		return resp, nil
	}

	// As etcd: fetch everything when sorting (sort, then truncate),
	// otherwise Limit+1 to learn More.
	limit := r.Limit
	if r.SortOrder != SortNone {
		limit = 0
	}
	if limit > 0 {
		limit++
	}
	var revs []revision
	var kis []*keyIndex
	s.idx.visit(r.Key, r.End, func(ki *keyIndex) bool {
		if rv, ok := ki.get(rev); ok {
			if limit <= 0 || int64(len(revs)) < limit {
				revs = append(revs, rv)
				kis = append(kis, ki)
			}
			resp.Count++
		}
		return true
	})
	if len(revs) == 0 {
		return resp, nil
	}
	slab := make([]KeyValue, len(revs))
	resp.KVs = make([]*KeyValue, len(revs))
	for i, rv := range revs {
		e := s.entryOf(kis[i], rv)
		kv := &slab[i]
		e.fill(kv)
		resp.KVs[i] = kv
	}
	sortKVs(resp.KVs, r.SortOrder, r.SortTarget)
	if r.Limit > 0 && int64(len(resp.KVs)) > r.Limit {
		resp.KVs = resp.KVs[:r.Limit]
		resp.More = true
	}
	if r.KeysOnly {
		for _, kv := range resp.KVs {
			kv.Value = nil
		}
	}
	return resp, nil
}

// rangeOne reads the single key r.Key at rev with one allocation.
func (s *Store) rangeOne(r *RangeRequest, rev, curRev int64) *RangeResponse {
	ki := s.idx.get(r.Key)
	if ki == nil {
		return &RangeResponse{Header: header(curRev)}
	}
	rv, ok := ki.get(rev)
	if !ok {
		return &RangeResponse{Header: header(curRev)}
	}
	one := &struct {
		resp RangeResponse
		kv   KeyValue
		kvs  [1]*KeyValue
	}{}
	s.entryOf(ki, rv).fill(&one.kv)
	if r.KeysOnly {
		one.kv.Value = nil
	}
	one.kvs[0] = &one.kv
	one.resp = RangeResponse{Header: header(curRev), KVs: one.kvs[:], Count: 1}
	return &one.resp
}

// entryOf returns the stored entry of ki at revision rv (one of ki's).
func (s *Store) entryOf(ki *keyIndex, rv revision) *entry {
	if ki.last.rev == rv {
		return ki.last
	}
	return s.log.find(rv)
}

// fill sets kv to the stored KeyValue of a put entry (sharing byte slices).
func (e *entry) fill(kv *KeyValue) {
	*kv = KeyValue{
		Key:            e.ki.key,
		Value:          e.valueBytes(),
		CreateRevision: e.create,
		ModRevision:    e.rev.main,
		Version:        e.version,
		Lease:          e.lease,
	}
}

// sortKVs orders kvs as etcd's server does: results arrive in ascending key
// order; a non-key target with no order sorts ascending; ascending by key is
// a no-op. It uses sort.Sort with etcd's comparisons so that ties end in the
// same order as etcd's.
func sortKVs(kvs []*KeyValue, order SortOrder, target SortTarget) {
	if target != SortByKey && order == SortNone {
		order = SortAscend
	} else if target == SortByKey && order == SortAscend {
		order = SortNone
	}
	if order == SortNone {
		return
	}
	var less func(a, b *KeyValue) bool
	switch target {
	case SortByKey:
		less = func(a, b *KeyValue) bool { return bytes.Compare(a.Key, b.Key) < 0 }
	case SortByVersion:
		less = func(a, b *KeyValue) bool { return a.Version-b.Version < 0 }
	case SortByCreate:
		less = func(a, b *KeyValue) bool { return a.CreateRevision-b.CreateRevision < 0 }
	case SortByMod:
		less = func(a, b *KeyValue) bool { return a.ModRevision-b.ModRevision < 0 }
	case SortByValue:
		less = func(a, b *KeyValue) bool { return bytes.Compare(a.Value, b.Value) < 0 }
	default:
		return // rejected by checkRange
	}
	var si sort.Interface = kvSorter{kvs, less}
	if order == SortDescend {
		si = sort.Reverse(si)
	}
	sort.Sort(si)
}

type kvSorter struct {
	kvs  []*KeyValue
	less func(a, b *KeyValue) bool
}

func (k kvSorter) Len() int           { return len(k.kvs) }
func (k kvSorter) Swap(i, j int)      { k.kvs[i], k.kvs[j] = k.kvs[j], k.kvs[i] }
func (k kvSorter) Less(i, j int) bool { return k.less(k.kvs[i], k.kvs[j]) }

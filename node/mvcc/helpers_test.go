package mvcc

import (
	"errors"
	"testing"
)

// Test helpers shared by the store's own tests (not the oracle tests).

func mustPut(t testing.TB, s *Store, key, value string) *PutResponse {
	t.Helper()
	r, err := s.Put(&PutRequest{Key: []byte(key), Value: []byte(value)})
	if err != nil {
		t.Fatalf("put %q: %v", key, err)
	}
	return r
}

func mustDelete(t testing.TB, s *Store, key, end string) *DeleteRangeResponse {
	t.Helper()
	r, err := s.DeleteRange(&DeleteRangeRequest{Key: []byte(key), End: bytesOrNil(end)})
	if err != nil {
		t.Fatalf("delete %q: %v", key, err)
	}
	return r
}

func mustRange(t testing.TB, s *Store, r *RangeRequest) *RangeResponse {
	t.Helper()
	resp, err := s.Range(r)
	if err != nil {
		t.Fatalf("range %q-%q@%d: %v", r.Key, r.End, r.Rev, err)
	}
	return resp
}

func bytesOrNil(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// kvSummary is a KeyValue in a comparable form.
type kvSummary struct {
	Key, Value                  string
	Create, Mod, Version, Lease int64
}

func summarize(kvs []*KeyValue) []kvSummary {
	out := make([]kvSummary, len(kvs))
	for i, kv := range kvs {
		out[i] = kvSummary{string(kv.Key), string(kv.Value), kv.CreateRevision, kv.ModRevision, kv.Version, kv.Lease}
	}
	return out
}

func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}

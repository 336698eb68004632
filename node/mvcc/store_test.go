package mvcc

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestNewStore(t *testing.T) {
	s := New()
	if s.Rev() != 1 || s.CompactRev() != -1 {
		t.Fatalf("rev %d compact %d, want 1 -1", s.Rev(), s.CompactRev())
	}
	if st := s.Stats(); st != (Stats{Rev: 1, CompactRev: -1}) {
		t.Fatalf("stats %+v", st)
	}
}

func TestPutRevisionsVersionsGenerations(t *testing.T) {
	s := New()
	steps := []struct {
		op       string // "put" or "del"
		key, val string
		wantRev  int64
		want     []kvSummary // range of "a" afterwards
	}{
		{"put", "a", "1", 2, []kvSummary{{"a", "1", 2, 2, 1, 0}}},
		{"put", "a", "2", 3, []kvSummary{{"a", "2", 2, 3, 2, 0}}},
		{"put", "b", "x", 4, []kvSummary{{"a", "2", 2, 3, 2, 0}}},
		{"del", "a", "", 5, []kvSummary{}},
		{"del", "a", "", 5, []kvSummary{}},                        // deleting nothing keeps the revision
		{"put", "a", "3", 6, []kvSummary{{"a", "3", 6, 6, 1, 0}}}, // new generation
	}
	for i, st := range steps {
		var rev int64
		if st.op == "put" {
			rev = mustPut(t, s, st.key, st.val).Header.Revision
		} else {
			rev = mustDelete(t, s, st.key, "").Header.Revision
		}
		if rev != st.wantRev || s.Rev() != st.wantRev {
			t.Fatalf("step %d: header rev %d, store rev %d, want %d", i, rev, s.Rev(), st.wantRev)
		}
		got := summarize(mustRange(t, s, &RangeRequest{Key: []byte("a")}).KVs)
		if !reflect.DeepEqual(got, st.want) {
			t.Fatalf("step %d: range a = %+v, want %+v", i, got, st.want)
		}
	}
	// History reads.
	hist := []struct {
		rev  int64
		want []kvSummary
	}{
		{1, []kvSummary{}},
		{2, []kvSummary{{"a", "1", 2, 2, 1, 0}}},
		{3, []kvSummary{{"a", "2", 2, 3, 2, 0}}},
		{4, []kvSummary{{"a", "2", 2, 3, 2, 0}}},
		{5, []kvSummary{}},
		{6, []kvSummary{{"a", "3", 6, 6, 1, 0}}},
	}
	for _, h := range hist {
		got := summarize(mustRange(t, s, &RangeRequest{Key: []byte("a"), Rev: h.rev}).KVs)
		if !reflect.DeepEqual(got, h.want) {
			t.Errorf("range a@%d = %+v, want %+v", h.rev, got, h.want)
		}
	}
	st := s.Stats()
	// Entries: a@2 a@3 b@4 a@5(tombstone) a@6.
	if st.Keys != 2 || st.Revisions != 5 || st.Bytes != 1+1+1+1+1+1+1+1+1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestRangeSelectionLimitCountSort(t *testing.T) {
	s := New()
	for i, k := range []string{"a", "b", "c", "d", "e"} {
		mustPut(t, s, k, strings.Repeat("v", 5-i)) // values shrink as keys grow
	}
	mustPut(t, s, "c", "zz") // c: version 2, mod 7
	keys := func(kvs []*KeyValue) string {
		var b strings.Builder
		for _, kv := range kvs {
			b.Write(kv.Key)
		}
		return b.String()
	}
	tests := []struct {
		name      string
		r         RangeRequest
		keys      string
		count     int64
		more      bool
		valueless bool
	}{
		{"one key", RangeRequest{Key: []byte("b")}, "b", 1, false, false},
		{"missing key", RangeRequest{Key: []byte("bb")}, "", 0, false, false},
		{"half open", RangeRequest{Key: []byte("b"), End: []byte("d")}, "bc", 2, false, false},
		{"from key", RangeRequest{Key: []byte("c"), End: []byte{0}}, "cde", 3, false, false},
		{"prefix", RangeRequest{Key: []byte("a"), End: []byte("b")}, "a", 1, false, false},
		{"end before key", RangeRequest{Key: []byte("d"), End: []byte("b")}, "", 0, false, false},
		{"limit", RangeRequest{Key: []byte("a"), End: []byte{0}, Limit: 2}, "ab", 5, true, false},
		{"limit exact", RangeRequest{Key: []byte("a"), End: []byte{0}, Limit: 5}, "abcde", 5, false, false},
		{"negative limit", RangeRequest{Key: []byte("a"), End: []byte{0}, Limit: -1}, "abcde", 5, false, false},
		{"count only", RangeRequest{Key: []byte("a"), End: []byte{0}, CountOnly: true, Limit: 1}, "", 5, false, false},
		{"keys only", RangeRequest{Key: []byte("a"), End: []byte("c"), KeysOnly: true}, "ab", 2, false, true},
		{"desc key", RangeRequest{Key: []byte("a"), End: []byte{0}, SortOrder: SortDescend}, "edcba", 5, false, false},
		{"desc key limit", RangeRequest{Key: []byte("a"), End: []byte{0}, SortOrder: SortDescend, Limit: 2}, "ed", 5, true, false},
		{"by value (ascending default)", RangeRequest{Key: []byte("a"), End: []byte{0}, SortTarget: SortByValue}, "edbac", 5, false, false},
		{"by mod desc", RangeRequest{Key: []byte("a"), End: []byte{0}, SortTarget: SortByMod, SortOrder: SortDescend}, "cedba", 5, false, false},
		{"by version desc limit", RangeRequest{Key: []byte("a"), End: []byte{0}, SortTarget: SortByVersion, SortOrder: SortDescend, Limit: 1}, "c", 5, true, false},
		{"at old revision", RangeRequest{Key: []byte("a"), End: []byte{0}, Rev: 3}, "ab", 2, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := mustRange(t, s, &tc.r)
			if got := keys(resp.KVs); got != tc.keys {
				t.Errorf("keys %q, want %q", got, tc.keys)
			}
			if resp.Count != tc.count || resp.More != tc.more {
				t.Errorf("count %d more %v, want %d %v", resp.Count, resp.More, tc.count, tc.more)
			}
			if resp.Header.Revision != s.Rev() {
				t.Errorf("header rev %d, want current %d", resp.Header.Revision, s.Rev())
			}
			for _, kv := range resp.KVs {
				if (kv.Value == nil) != tc.valueless {
					t.Errorf("key %q value %q, valueless want %v", kv.Key, kv.Value, tc.valueless)
				}
			}
		})
	}
}

func TestRangeErrors(t *testing.T) {
	s := New()
	mustPut(t, s, "a", "1")
	mustPut(t, s, "a", "2")
	mustPut(t, s, "a", "3")
	_, err := s.Range(&RangeRequest{Key: []byte("a"), Rev: 5})
	wantErr(t, err, ErrFutureRev)
	_, err = s.Range(&RangeRequest{})
	wantErr(t, err, ErrKeyNotProvided)
	_, err = s.Range(&RangeRequest{Key: []byte("a"), SortOrder: 7})
	wantErr(t, err, ErrInvalidSortOption)
	if _, err := s.Compact(3); err != nil {
		t.Fatal(err)
	}
	_, err = s.Range(&RangeRequest{Key: []byte("a"), Rev: 2})
	wantErr(t, err, ErrCompacted)
	// The compaction revision itself stays readable.
	got := summarize(mustRange(t, s, &RangeRequest{Key: []byte("a"), Rev: 3}).KVs)
	if want := []kvSummary{{"a", "2", 2, 3, 2, 0}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("a@3 = %+v, want %+v", got, want)
	}
}

func TestPutAndDeletePrevKV(t *testing.T) {
	s := New()
	r, err := s.Put(&PutRequest{Key: []byte("k"), Value: []byte("1"), PrevKV: true})
	if err != nil || r.PrevKV != nil {
		t.Fatalf("first put: prev %v err %v", r.PrevKV, err)
	}
	r, _ = s.Put(&PutRequest{Key: []byte("k"), Value: []byte("2"), PrevKV: true})
	if r.PrevKV == nil || string(r.PrevKV.Value) != "1" || r.PrevKV.ModRevision != 2 {
		t.Fatalf("second put prev %+v", r.PrevKV)
	}
	mustPut(t, s, "k2", "x")
	d, err := s.DeleteRange(&DeleteRangeRequest{Key: []byte("k"), End: []byte("l"), PrevKV: true})
	if err != nil || d.Deleted != 2 || len(d.PrevKVs) != 2 || d.Header.Revision != 5 {
		t.Fatalf("delete %+v err %v", d, err)
	}
	if got := summarize(d.PrevKVs); !reflect.DeepEqual(got, []kvSummary{{"k", "2", 2, 3, 2, 0}, {"k2", "x", 4, 4, 1, 0}}) {
		t.Fatalf("prev kvs %+v", got)
	}
}

func TestValidation(t *testing.T) {
	s := New()
	_, err := s.Put(&PutRequest{})
	wantErr(t, err, ErrKeyNotProvided)
	_, err = s.DeleteRange(&DeleteRangeRequest{})
	wantErr(t, err, ErrKeyNotProvided)
	_, err = s.Put(&PutRequest{Key: []byte("k"), Value: make([]byte, MaxRequestBytes)})
	wantErr(t, err, ErrRequestTooLarge)
	_, err = s.Put(&PutRequest{Key: []byte("k"), Lease: 5})
	wantErr(t, err, ErrLeaseNotFound)
	// The boundary: a put of key "k" encodes as 3 + (4 + len(value)) bytes,
	// plus 4 to carry it and etcd's 13-byte header.
	_, err = s.Put(&PutRequest{Key: []byte("k"), Value: make([]byte, MaxRequestBytes-23)})
	wantErr(t, err, ErrRequestTooLarge)
	if _, err := s.Put(&PutRequest{Key: []byte("k"), Value: make([]byte, MaxRequestBytes-24)}); err != nil {
		t.Fatalf("put at the limit: %v", err)
	}
	if s.Rev() != 2 {
		t.Fatalf("rev %d: failed requests must not change the store", s.Rev())
	}
}

func put(k, v string) RequestOp {
	return RequestOp{Put: &PutRequest{Key: []byte(k), Value: []byte(v)}}
}
func get(k string) RequestOp { return RequestOp{Range: &RangeRequest{Key: []byte(k)}} }
func del(k, end string) RequestOp {
	return RequestOp{DeleteRange: &DeleteRangeRequest{Key: []byte(k), End: bytesOrNil(end)}}
}

func TestTxn(t *testing.T) {
	s := New()
	mustPut(t, s, "a", "1") // rev 2
	mustPut(t, s, "b", "2") // rev 3

	// Compare fails: failure branch, read only: no new revision.
	r, err := s.Txn(&TxnRequest{
		Compare: []Compare{{Key: []byte("a"), Target: CompareValue, Result: CompareEqual, Value: []byte("x")}},
		Success: []RequestOp{put("a", "y")},
		Failure: []RequestOp{get("a")},
	})
	if err != nil || r.Succeeded || r.Header.Revision != 3 || s.Rev() != 3 {
		t.Fatalf("failed-compare txn %+v err %v rev %d", r, err, s.Rev())
	}
	if kv := r.Responses[0].Range.KVs; len(kv) != 1 || string(kv[0].Value) != "1" {
		t.Fatalf("failure range %+v", kv)
	}

	// Success: several writes in one revision; a range inside sees them.
	r, err = s.Txn(&TxnRequest{
		Compare: []Compare{
			{Key: []byte("a"), Target: CompareVersion, Result: CompareEqual, Version: 1},
			{Key: []byte("zz"), Target: CompareCreate, Result: CompareEqual, CreateRevision: 0}, // missing key compares as 0
			{Key: []byte("a"), End: []byte("c"), Target: CompareMod, Result: CompareLess, ModRevision: 4},
		},
		Success: []RequestOp{get("a"), put("a", "10"), get("a"), del("b", ""), put("c", "3")},
	})
	if err != nil || !r.Succeeded {
		t.Fatalf("txn: %+v %v", r, err)
	}
	if r.Header.Revision != 4 || s.Rev() != 4 {
		t.Fatalf("txn rev %d store %d, want 4", r.Header.Revision, s.Rev())
	}
	rs := r.Responses
	if string(rs[0].Range.KVs[0].Value) != "1" || rs[0].Range.Header.Revision != 3 {
		t.Fatalf("range before write: %+v", rs[0].Range)
	}
	if rs[1].Put.Header.Revision != 4 {
		t.Fatalf("put header %d", rs[1].Put.Header.Revision)
	}
	if string(rs[2].Range.KVs[0].Value) != "10" || rs[2].Range.Header.Revision != 4 {
		t.Fatalf("range after write: %+v", rs[2].Range)
	}
	if rs[3].DeleteRange.Deleted != 1 || rs[3].DeleteRange.Header.Revision != 4 {
		t.Fatalf("delete %+v", rs[3].DeleteRange)
	}
	// Sub revisions: a@4.0, b tombstone@4.1, c@4.2; all share main 4.
	got := summarize(mustRange(t, s, &RangeRequest{Key: []byte("a"), End: []byte{0}}).KVs)
	if want := []kvSummary{{"a", "10", 2, 4, 2, 0}, {"c", "3", 4, 4, 1, 0}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after txn %+v, want %+v", got, want)
	}

	// VALUE compare on a missing key is false, even with NOT_EQUAL.
	r, _ = s.Txn(&TxnRequest{Compare: []Compare{{Key: []byte("nope"), Target: CompareValue, Result: CompareNotEqual, Value: []byte("x")}}})
	if r.Succeeded {
		t.Fatal("value compare on a missing key succeeded")
	}

	// Nested txn; its header revision stays 0 as in etcd.
	r, err = s.Txn(&TxnRequest{Success: []RequestOp{{Txn: &TxnRequest{
		Compare: []Compare{{Key: []byte("c"), Target: CompareVersion, Result: CompareGreater, Version: 0}},
		Success: []RequestOp{put("d", "4")},
	}}}})
	if err != nil || !r.Succeeded || !r.Responses[0].Txn.Succeeded || r.Header.Revision != 5 || r.Responses[0].Txn.Header.Revision != 0 {
		t.Fatalf("nested txn %+v err %v", r, err)
	}
	if r.Responses[0].Txn.Responses[0].Put.Header.Revision != 5 {
		t.Fatalf("nested put %+v", r.Responses[0].Txn.Responses[0].Put)
	}
}

func TestTxnErrorsChangeNothing(t *testing.T) {
	s := New()
	mustPut(t, s, "a", "1")
	many := make([]RequestOp, MaxTxnOps+1)
	for i := range many {
		many[i] = get("a")
	}
	tests := []struct {
		name string
		r    TxnRequest
		want error
	}{
		{"too many ops", TxnRequest{Success: many}, ErrTooManyOps},
		{"nested budget", TxnRequest{Success: append(many[:100:100], RequestOp{Txn: &TxnRequest{Success: many[:29]}}), Failure: nil}, ErrTooManyOps},
		{"empty compare key", TxnRequest{Compare: []Compare{{}}}, ErrKeyNotProvided},
		{"empty put key", TxnRequest{Success: []RequestOp{put("", "x")}}, ErrKeyNotProvided},
		{"empty op", TxnRequest{Success: []RequestOp{{}}}, ErrKeyNotFound},
		{"two requests in one op", TxnRequest{Success: []RequestOp{{Range: &RangeRequest{Key: []byte("a")}, Put: &PutRequest{Key: []byte("a")}}}}, ErrInvalidRequestOp},
		{"duplicate put", TxnRequest{Success: []RequestOp{put("b", "1"), put("b", "2")}}, ErrDuplicateKey},
		{"put in deleted range", TxnRequest{Success: []RequestOp{del("a", "c"), put("b", "2")}}, ErrDuplicateKey},
		{"nested put under delete", TxnRequest{Success: []RequestOp{del("b", ""), {Txn: &TxnRequest{Success: []RequestOp{put("b", "1")}}}}}, ErrDuplicateKey},
		{"lease not found on taken path", TxnRequest{Success: []RequestOp{put("b", "1"), {Put: &PutRequest{Key: []byte("c"), Lease: 9}}}}, ErrLeaseNotFound},
		{"future range rev", TxnRequest{Success: []RequestOp{put("b", "1"), {Range: &RangeRequest{Key: []byte("a"), Rev: 3}}}}, ErrFutureRev},
		{"too large", TxnRequest{Success: []RequestOp{put("b", strings.Repeat("x", MaxRequestBytes))}}, ErrRequestTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Txn(&tc.r)
			wantErr(t, err, tc.want)
			if s.Rev() != 2 || s.Stats().Revisions != 1 {
				t.Fatalf("store changed: %+v", s.Stats())
			}
		})
	}
	// Then and else of a nested txn may put the same key; a lease missing on
	// the branch not taken is not checked.
	_, err := s.Txn(&TxnRequest{Success: []RequestOp{{Txn: &TxnRequest{
		Success: []RequestOp{put("b", "1")},
		Failure: []RequestOp{put("b", "2"), {Put: &PutRequest{Key: []byte("z"), Lease: 9}}},
	}}}})
	if err != nil {
		t.Fatalf("then/else same key: %v", err)
	}
	// A delete from key with the "\x00" end never conflicts (as etcd).
	if _, err := s.Txn(&TxnRequest{Success: []RequestOp{{DeleteRange: &DeleteRangeRequest{Key: []byte("x"), End: []byte{0}}}, put("y", "1")}}); err != nil {
		t.Fatalf("from-key delete and put: %v", err)
	}
}

func TestReturnedValuesAreStable(t *testing.T) {
	s := New()
	v := []byte("hello")
	mustPut(t, s, "k", string(v))
	req := &PutRequest{Key: []byte("k2"), Value: v}
	if _, err := s.Put(req); err != nil {
		t.Fatal(err)
	}
	req.Key[0], v[0] = 'X', 'X' // the caller reuses its buffers
	got := mustRange(t, s, &RangeRequest{Key: []byte("k2")}).KVs
	if len(got) != 1 || !bytes.Equal(got[0].Value, []byte("hello")) {
		t.Fatalf("store kept the caller's buffer: %+v", got)
	}
}

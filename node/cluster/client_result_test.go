package cluster

import (
	"reflect"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// storeResult copies every field of a Result: the header, and each response
// pointer (alone or with others), so that a field added to Result and not
// to storeResult fails here.
func TestStoreResult(t *testing.T) {
	typ := reflect.TypeFor[Result]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		var src Result
		v := reflect.ValueOf(&src).Elem().Field(i)
		switch f.Type.Kind() {
		case reflect.Pointer:
			v.Set(reflect.New(f.Type.Elem()))
			src.Header = mvcc.ResponseHeader{Revision: 7, RaftTerm: 3}
		case reflect.Struct:
			v.Set(reflect.ValueOf(mvcc.ResponseHeader{ClusterID: 1, MemberID: 2, Revision: 3, RaftTerm: 4}))
		default:
			t.Fatalf("Result.%s: a %v, which storeResult does not know", f.Name, f.Type)
		}
		var dst Result
		storeResult(&dst, &src)
		if !reflect.DeepEqual(dst, src) {
			t.Errorf("Result.%s: storeResult gave %+v, want %+v", f.Name, dst, src)
		}
	}
	all := Result{Put: new(mvcc.PutResponse), Range: new(mvcc.RangeResponse), Compact: new(mvcc.CompactResponse)}
	var dst Result
	storeResult(&dst, &all)
	if !reflect.DeepEqual(dst, all) {
		t.Errorf("storeResult gave %+v, want %+v", dst, all)
	}
}

package engine

import (
	"errors"
	"math/rand"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// fill sets every field reachable from v (a pointer) to random values:
// numbers, strings, byte strings (nil, empty or not), slices of 0-3
// elements, pointers nil or not. Errors and funcs stay nil. A txn (request
// or response) nested in maxTxnFill others stays nil, so that the
// recursion ends.
func fill(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.Type() == reflect.TypeOf((*mvcc.KeyValue)(nil)) {
			if r.Intn(4) > 0 {
				// protobuf does not tell empty from absent bytes: etcd's own
				// key-values never rely on it
				v.Set(reflect.ValueOf(&mvcc.KeyValue{Key: pbBytes(r), Value: pbBytes(r),
					CreateRevision: r.Int63(), ModRevision: r.Int63(), Version: r.Int63(), Lease: r.Int63()}))
			}
			return
		}
		txn := v.Type().Elem() == reflect.TypeFor[mvcc.TxnRequest]() || v.Type().Elem() == reflect.TypeFor[mvcc.TxnResponse]()
		if r.Intn(4) > 0 && (!txn || txnFill < maxTxnFill) {
			if txn {
				txnFill++
				defer func() { txnFill-- }()
			}
			v.Set(reflect.New(v.Type().Elem()))
			fill(r, v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			// XXX_ fields are protobuf's bookkeeping (mvcc.Event), not data.
			if f := v.Type().Field(i); f.IsExported() && !strings.HasPrefix(f.Name, "XXX_") {
				fill(r, v.Field(i))
			}
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			fill(r, v.Index(i))
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes(randBytes(r))
			return
		}
		n := r.Intn(4)
		if n == 0 {
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := 0; i < n; i++ {
			fill(r, v.Index(i))
		}
	case reflect.String:
		v.SetString(string(randBytes(r)))
	case reflect.Bool:
		v.SetBool(r.Intn(2) == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(r.Int63() - r.Int63())
		if v.OverflowInt(v.Int()) {
			v.SetInt(int64(int8(r.Int())))
		}
	case reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(r.Uint64())
		if v.OverflowUint(v.Uint()) {
			v.SetUint(uint64(uint8(r.Int())))
		}
	case reflect.Uint8:
		v.SetUint(uint64(uint8(r.Int())))
	case reflect.Float64:
		v.SetFloat(r.NormFloat64())
	case reflect.Interface, reflect.Func:
	default:
		panic("fill: unhandled kind " + v.Kind().String())
	}
}

// txnFill counts the txns fill is inside of (tests in this package do not
// run in parallel).
var (
	txnFill    int
	maxTxnFill = 1
)

func pbBytes(r *rand.Rand) []byte {
	if b := randBytes(r); len(b) > 0 {
		return b
	}
	return nil
}

func randBytes(r *rand.Rand) []byte {
	switch r.Intn(3) {
	case 0:
		return nil
	case 1:
		return []byte{}
	}
	b := make([]byte, 1+r.Intn(20))
	r.Read(b)
	return b
}

// Every message type survives encode and decode unchanged, whatever its
// fields hold (1,000 random values of each), and no strict prefix of one
// decodes. The prefix check decodes every prefix (quadratic in the
// message's length): natively it runs on every message; compiled to wasm,
// where it took ~20x as long (minutes of make test), on every tenth (the
// codec is the same Go code; the wasm run is there for the platform).
func TestRoundTripEveryMessage(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	defer func() { prefixes = true }()
	for i := 0; i < 1000; i++ {
		prefixes = runtime.GOOS != "js" || i%10 == 0
		var q Request
		fill(r, reflect.ValueOf(&q).Elem())
		q.Op = Op(1 + r.Intn(int(opEnd)-1))
		roundTrip(t, encodeRequest(&q), func(f frame) any { return f.request }, &q)

		var p Response
		fill(r, reflect.ValueOf(&p).Elem())
		p.Err = []error{nil, ErrStopped, mvcc.ErrCompacted, errors.New("etcdserver: request timed out")}[r.Intn(4)]
		roundTrip(t, encodeResponse(&p), func(f frame) any { return f.response }, &p)

		var u Update
		fill(r, reflect.ValueOf(&u).Elem())
		u.Storage.LoadTime = time.Duration(r.Int63())
		roundTrip(t, encodeUpdate(&u), func(f frame) any { return f.update }, &u)

		var h hello
		fill(r, reflect.ValueOf(&h).Elem())
		h.Protocol = r.Intn(1 << 20)
		roundTrip(t, encodeHello(h), func(f frame) any { return f.hello }, h)

		var w welcome
		fill(r, reflect.ValueOf(&w).Elem())
		w.Protocol = r.Intn(1 << 20)
		roundTrip(t, encodeWelcome(w), func(f frame) any { return f.welcome }, w)
	}
}

// prefixes tells roundTrip to check that no strict prefix of the message
// decodes (TestRoundTripEveryMessage sets it; tests here do not run in
// parallel).
var prefixes = true

func roundTrip(t *testing.T, b []byte, get func(frame) any, want any) {
	t.Helper()
	f, err := decodeFrame(b)
	if err != nil {
		t.Fatalf("decode %T: %v", want, err)
	}
	got := get(f)
	if p, ok := got.(*Response); ok && p.Err != nil { // errors compare by text (sentinels by identity below)
		w := want.(*Response)
		if p.Err.Error() != w.Err.Error() {
			t.Fatalf("error %q, want %q", p.Err, w.Err)
		}
		if errors.Is(w.Err, ErrStopped) != errors.Is(p.Err, ErrStopped) || errors.Is(w.Err, mvcc.ErrCompacted) != errors.Is(p.Err, mvcc.ErrCompacted) {
			t.Fatalf("error %v lost its identity", w.Err)
		}
		cp, cw := *p, *w
		cp.Err, cw.Err = nil, nil
		got, want = &cp, &cw
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip of %T:\n got %+v\nwant %+v", want, got, want)
	}
	// Every strict prefix fails to decode (no message is a prefix of another).
	for n := 0; prefixes && n < len(b); n++ {
		if _, err := decodeFrame(b[:n]); err == nil {
			t.Fatalf("%T: the first %d of %d bytes decode", want, n, len(b))
		}
	}
}

func TestStorageFailureKeepsItsTypeAndName(t *testing.T) {
	b := encodeResponse(&Response{ID: 3, Err: &StorageFailure{Name: "etcd-play", Err: errors.New("quota")}})
	f, err := decodeFrame(b)
	if err != nil {
		t.Fatal(err)
	}
	var sf *StorageFailure
	if !errors.As(f.response.Err, &sf) || sf.Name != "etcd-play" || sf.Err.Error() != "quota" {
		t.Fatalf("got %#v", f.response.Err)
	}
}

// Hostile bytes never panic and never allocate more than they hold; what
// decodes re-encodes to a frame that decodes to the same message.
func FuzzDecodeFrame(f *testing.F) {
	f.Add(encodeRequest(&Request{ID: 1, Op: OpPut, Key: []byte("k"), Groups: [][]uint64{{1, 2}, {3}}}))
	f.Add(encodeUpdate(&Update{Now: 5, Members: []MemberView{{ID: 1, State: "leader"}}, Events: []EventView{{Seq: 1, Text: "x"}}}))
	f.Add(encodeResponse(&Response{ID: 2, Range: &mvcc.RangeResponse{KVs: []*mvcc.KeyValue{{Key: []byte("a")}}}}))
	f.Add([]byte{byte(kindRequest), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := decodeFrame(b)
		if err != nil {
			return
		}
		var again []byte
		switch fr.kind {
		case kindRequest:
			again = encodeRequest(fr.request)
		case kindUpdate:
			again = encodeUpdate(fr.update)
		default:
			return
		}
		if _, err := decodeFrame(again); err != nil {
			t.Fatalf("re-encoded frame fails: %v", err)
		}
	})
}

// A frame claiming more items than it holds fails without allocating them.
func TestDecodeRefusesHugeCounts(t *testing.T) {
	w := wbuf{b: []byte{byte(kindUpdate)}}
	w.u(1)
	w.bool(false)
	w.u(0)
	w.u(1 << 40) // members
	if _, err := decodeFrame(w.b); !errors.Is(err, errMalformed) {
		t.Fatalf("err %v", err)
	}
}

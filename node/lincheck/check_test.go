package lincheck

import (
	"errors"
	"strings"
	"testing"
)

// line is one line of a scripted history: client invokes op (call < 0), or
// the operation invoked at line call returns.
type line struct {
	client int
	op     Op
	// call is the index of the invoking line for a return, or -1.
	call     int
	out      Output
	err      error
	timedOut bool
}

func inv(client int, op Op) line    { return line{client: client, op: op, call: -1} }
func ret(call int, out Output) line { return line{call: call, out: out} }
func fail(call int) line            { return line{call: call, err: errors.New("etcdserver: request timed out")} }
func timeout(call int) line         { return line{call: call, timedOut: true} }

// play records the script and checks it.
func play(t *testing.T, script []line) Result {
	t.Helper()
	var r Recorder
	ids := map[int]int{}
	for i, l := range script {
		if l.call < 0 {
			ids[i] = r.Invoke(l.client, l.op)
			continue
		}
		id, ok := ids[l.call]
		if !ok {
			t.Fatalf("line %d returns line %d, which is not an invocation", i, l.call)
		}
		if err := r.Return(id, l.out, l.err, l.timedOut); err != nil {
			t.Fatal(err)
		}
	}
	res, err := r.Check(0)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var found = func(v string) Output { return Output{Value: v, Found: true} }

func TestCheck(t *testing.T) {
	cases := []struct {
		name   string
		script []line
		ok     bool
	}{
		{"empty history", nil, true},
		{"sequential put, get, delete, get", []line{
			inv(0, Put("x", "1")), ret(0, Output{}),
			inv(0, Get("x")), ret(2, found("1")),
			inv(1, Delete("x")), ret(4, Output{Deleted: 1}),
			inv(1, Get("x")), ret(6, Output{}),
			inv(1, Delete("x")), ret(8, Output{Deleted: 0}),
		}, true},
		{"read concurrent with a put may see the old value", []line{
			inv(0, Put("x", "1")), ret(0, Output{}),
			inv(0, Put("x", "2")), inv(1, Get("x")), ret(3, found("1")), ret(2, Output{}),
		}, true},
		{"read concurrent with a put may see the new value", []line{
			inv(0, Put("x", "1")), ret(0, Output{}),
			inv(0, Put("x", "2")), inv(1, Get("x")), ret(3, found("2")), ret(2, Output{}),
		}, true},
		{"stale read after a completed put", []line{
			inv(0, Put("x", "1")), ret(0, Output{}),
			inv(0, Put("x", "2")), ret(2, Output{}),
			inv(1, Get("x")), ret(4, found("1")),
		}, false},
		{"lost write: completed put never visible", []line{
			inv(0, Put("x", "1")), ret(0, Output{}),
			inv(1, Get("x")), ret(2, Output{}),
		}, false},
		{"reads go back in time", []line{
			inv(0, Put("x", "1")), inv(1, Get("x")), ret(1, found("1")),
			inv(2, Get("x")), ret(3, Output{}), ret(0, Output{}),
		}, false},
		{"read of a value never written", []line{
			inv(0, Get("x")), ret(0, found("ghost")),
		}, false},
		{"delete of an absent key reports one deletion", []line{
			inv(0, Delete("x")), ret(0, Output{Deleted: 1}),
		}, false},
		{"failed put later visible (applied)", []line{
			inv(0, Put("x", "1")), fail(0),
			inv(1, Get("x")), ret(2, found("1")),
		}, true},
		{"failed put never visible (not applied)", []line{
			inv(0, Put("x", "1")), fail(0),
			inv(1, Get("x")), ret(2, Output{}),
			inv(1, Get("x")), ret(4, Output{}),
		}, true},
		{"failed put applied late, after a read missed it", []line{
			inv(0, Put("x", "1")), fail(0),
			inv(1, Get("x")), ret(2, Output{}),
			inv(1, Get("x")), ret(4, found("1")),
		}, true},
		{"failed put cannot be un-applied", []line{
			inv(0, Put("x", "1")), fail(0),
			inv(1, Get("x")), ret(2, found("1")),
			inv(1, Get("x")), ret(4, Output{}),
		}, false},
		{"failed put cannot apply before its invocation", []line{
			inv(1, Get("x")), ret(0, found("1")),
			inv(0, Put("x", "1")), fail(2),
		}, false},
		{"timed-out put both ways", []line{
			inv(0, Put("x", "1")), timeout(0),
			inv(0, Put("y", "1")), timeout(2),
			inv(1, Get("x")), ret(4, found("1")),
			inv(1, Get("y")), ret(6, Output{}),
		}, true},
		{"pending put counts as possibly applied", []line{
			inv(0, Put("x", "1")),
			inv(1, Get("x")), ret(1, Output{}),
			inv(1, Get("x")), ret(3, found("1")),
		}, true},
		{"failed delete both ways", []line{
			inv(0, Put("x", "1")), ret(0, Output{}),
			inv(0, Delete("x")), fail(2),
			inv(1, Get("x")), ret(4, found("1")),
			inv(1, Get("x")), ret(6, Output{}),
		}, true},
		{"failed read with a wrong answer is ignored", []line{
			inv(0, Put("x", "1")), ret(0, Output{}),
			{client: 1, call: -1, op: Get("x")}, {call: 2, out: found("garbage"), err: errors.New("etcdserver: no leader")},
			inv(1, Get("x")), ret(4, found("1")),
		}, true},
		{"keys are independent", []line{
			inv(0, Put("x", "1")), ret(0, Output{}),
			inv(1, Get("y")), ret(2, Output{}),
			inv(1, Get("x")), ret(4, found("1")),
		}, true},
		{"violation on one key among many", []line{
			inv(0, Put("a", "1")), ret(0, Output{}),
			inv(0, Put("b", "1")), ret(2, Output{}),
			inv(1, Get("a")), ret(4, found("1")),
			inv(1, Get("b")), ret(6, Output{}),
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := play(t, tc.script)
			if res.OK != tc.ok || res.Unknown {
				t.Fatalf("Check = %+v, want OK=%v", res, tc.ok)
			}
			if !tc.ok && !strings.Contains(res.Info, "is not linearizable") {
				t.Fatalf("violation without explanation: %+v", res)
			}
			if tc.ok && res.Info != "" {
				t.Fatalf("Info %q on a linearizable history", res.Info)
			}
		})
	}
}

func TestInfoNamesTheFailingKey(t *testing.T) {
	res := play(t, []line{
		inv(0, Put("good", "1")), ret(0, Output{}),
		inv(0, Put("bad", "1")), ret(2, Output{}),
		inv(3, Get("bad")), ret(4, Output{}),
		inv(1, Put("bad", "2")), fail(6),
	})
	want := `key "bad" is not linearizable (3 operations, [call, return] in logical time, end = never returned):
  [3, 4] client 0: put("bad", "1")
  [5, 6] client 3: get("bad") -> absent
  [7, end] client 1: put("bad", "2") -> ?`
	if res.OK || res.Info != want {
		t.Fatalf("Info =\n%s\nwant\n%s", res.Info, want)
	}
	if res.Partitions != 2 || res.Ops != 4 {
		t.Fatalf("Partitions, Ops = %d, %d, want 2, 4", res.Partitions, res.Ops)
	}
}

func TestDiscard(t *testing.T) {
	var r Recorder
	put := r.Invoke(0, Put("x", "1"))
	if err := r.Discard(put); err != nil {
		t.Fatal(err)
	}
	get := r.Invoke(1, Get("x"))
	if err := r.Return(get, found("1"), nil, false); err != nil {
		t.Fatal(err)
	}
	// The discarded put is not in the history, so reading its value is a
	// violation; counted as possibly applied it would not be.
	if res, err := r.Check(0); err != nil || res.OK || res.Ops != 1 {
		t.Fatalf("Check = %+v, %v; want a violation over 1 op", res, err)
	}
	if err := r.Discard(put); !errors.Is(err, ErrDoubleReturn) {
		t.Fatalf("second Discard = %v, want ErrDoubleReturn", err)
	}
	if err := r.Return(put, Output{}, nil, false); !errors.Is(err, ErrDoubleReturn) {
		t.Fatalf("Return after Discard = %v, want ErrDoubleReturn", err)
	}
	if err := r.Discard(7); !errors.Is(err, ErrUnknownID) {
		t.Fatalf("Discard(7) = %v, want ErrUnknownID", err)
	}
}

func TestRecorderErrors(t *testing.T) {
	var r Recorder
	id := r.Invoke(0, Put("x", "1"))
	if err := r.Return(id+1, Output{}, nil, false); !errors.Is(err, ErrUnknownID) {
		t.Fatalf("Return(unknown) = %v, want ErrUnknownID", err)
	}
	if err := r.Return(-1, Output{}, nil, false); !errors.Is(err, ErrUnknownID) {
		t.Fatalf("Return(-1) = %v, want ErrUnknownID", err)
	}
	if err := r.Return(id, Output{}, nil, false); err != nil {
		t.Fatal(err)
	}
	if err := r.Return(id, Output{}, nil, false); !errors.Is(err, ErrDoubleReturn) {
		t.Fatalf("second Return = %v, want ErrDoubleReturn", err)
	}
	r.Invoke(0, Op{Kind: 9, Key: "x"})
	if _, err := r.Check(0); !errors.Is(err, ErrBadOp) {
		t.Fatalf("Check with a bad op = %v, want ErrBadOp", err)
	}
	if r.Len() != 2 {
		t.Fatalf("Len() = %d, want 2", r.Len())
	}
}

func TestVisualize(t *testing.T) {
	var r Recorder
	id := r.Invoke(0, Put("x", "1"))
	if err := r.Return(id, Output{}, nil, false); err != nil {
		t.Fatal(err)
	}
	r.Invoke(1, Get("x")) // pending read: left out
	var b strings.Builder
	if err := r.Visualize(&b, 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<html") || !strings.Contains(b.String(), `put(\"x\", \"1\")`) {
		t.Fatalf("Visualize wrote %d bytes without the html page or the operation", b.Len())
	}
}

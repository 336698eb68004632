package etcdctl

import (
	"context"
	"reflect"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Run hands its output to the Output as lines: none when a command prints
// nothing, and an empty line where etcdctl prints one (--keys-only values).
func TestRunPrintsLines(t *testing.T) {
	f := &fakeEngine{members: members3, getResp: &mvcc.RangeResponse{}}
	tests := []struct {
		line string
		resp *mvcc.RangeResponse
		want Lines
	}{
		{"get nothing", &mvcc.RangeResponse{}, nil},
		{"get a b --keys-only", &mvcc.RangeResponse{KVs: []*mvcc.KeyValue{{Key: []byte("a")}, {Key: []byte("b")}}}, Lines{"a", "", "b", ""}},
		{"put k v", nil, Lines{"OK"}},
		{"get k --print-value-only", &mvcc.RangeResponse{KVs: []*mvcc.KeyValue{{Key: []byte("k"), Value: []byte("v")}}}, Lines{"v"}},
	}
	for _, tt := range tests {
		f.getResp = tt.resp
		c, err := Parse(tt.line)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.line, err)
		}
		var got Lines
		if err := c.Run(context.Background(), f, 1, &got); err != nil {
			t.Fatalf("Run(%q): %v", tt.line, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Run(%q) printed %q, want %q", tt.line, got, tt.want)
		}
	}
}

// A failed command prints nothing; its error reads as etcdctl's.
func TestRunErrorPrintsNothing(t *testing.T) {
	f := &fakeEngine{members: members3, err: errFake}
	c, err := Parse("put k v")
	if err != nil {
		t.Fatal(err)
	}
	var got Lines
	err = c.Run(context.Background(), f, 1, &got)
	if err != errFake || got != nil {
		t.Fatalf("Run = %q, %v; want no lines and the engine's error", got, err)
	}
	if s := ErrorLine(err); s != "Error: etcdserver: no leader" {
		t.Errorf("ErrorLine = %q", s)
	}
}

func TestParseClearAndEmpty(t *testing.T) {
	if c, err := Parse("  clear "); err != nil || !c.Clear() {
		t.Errorf(`Parse("clear") = %+v, %v; want Clear`, c, err)
	}
	if c, err := Parse("get k"); err != nil || c.Clear() {
		t.Errorf(`Parse("get k") = %+v, %v; want a command that is not Clear`, c, err)
	}
	if _, err := Parse("etcdctl"); err != ErrEmpty {
		t.Errorf(`Parse("etcdctl") error %v, want ErrEmpty`, err)
	}
}

// The console empties its output on "clear" even when the line has extra
// words, as it did before the emulator had its own package.
func TestParseClearWithArguments(t *testing.T) {
	c, err := Parse("clear now")
	if err == nil || !c.Clear() {
		t.Errorf(`Parse("clear now") = Clear %v, error %v; want Clear and an error`, c.Clear(), err)
	}
}

package lincheck

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// staleHistory: on key "x", member 1 writes 1, member 2 writes 2 after
// that, then member 1 reads 1 (stale); around them, noise: member 3 reads
// and writes other values of "x" that are consistent, and other keys.
func staleHistory() []Operation {
	var ops []Operation
	t := int64(0)
	add := func(client int, op Op, out Output) int {
		t += 2
		ops = append(ops, Operation{Client: client, Op: op, Out: out, Call: t - 1, Return: t})
		return len(ops) - 1
	}
	for i := range 20 {
		add(4, Put(fmt.Sprintf("k%d", i), "v"), Output{})
	}
	add(3, Put("x", "0"), Output{})
	add(3, Get("x"), found("0"))
	add(1, Put("x", "1"), Output{})
	add(3, Get("x"), found("1"))
	add(2, Put("x", "2"), Output{})
	add(3, Get("x"), found("2"))
	add(1, Get("x"), found("1"))
	add(3, Get("k3"), found("v"))
	return ops
}

func TestCheckOperationsFindsSmallStaleRead(t *testing.T) {
	ops := staleHistory()
	v, err := CheckOperations(context.Background(), ops, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v.OK || v.Unknown || v.Key != "x" {
		t.Fatalf("verdict %+v: want a violation on x", v)
	}
	var got []string
	for _, i := range v.Failing {
		got = append(got, describe(ops[i].Op, output{Output: ops[i].Out}))
	}
	want := []string{`put("x", "1")`, `put("x", "2")`, `get("x") -> "1"`}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("failing set %q, want %q", got, want)
	}
	if !strings.Contains(v.Info, `stale read: put("x", "2") finished before get("x") started, yet the get returned "1"`) {
		t.Fatalf("Info %q does not explain the stale read", v.Info)
	}
	if v.Stale != len(ops)-2 {
		t.Fatalf("Stale = %d, want %d (the stale read)", v.Stale, len(ops)-2)
	}
	if v.Keys != 21 || v.Ops != len(ops) {
		t.Fatalf("Keys, Ops = %d, %d; want 21, %d", v.Keys, v.Ops, len(ops))
	}
}

func TestCheckOperationsOK(t *testing.T) {
	ops := staleHistory()
	ops = ops[:len(ops)-2] // without the stale read
	v, err := CheckOperations(context.Background(), ops, Options{})
	if err != nil || !v.OK || v.Failing != nil || v.Info != "" || v.Stale != -1 {
		t.Fatalf("verdict %+v, %v: want OK", v, err)
	}
}

func TestCheckOperationsUnknownInitial(t *testing.T) {
	ops := []Operation{
		{Op: Get("x"), Out: found("old"), Call: 1, Return: 2},
		{Op: Delete("y"), Out: Output{Deleted: 1}, Call: 3, Return: 4},
		{Op: Get("y"), Out: Output{}, Call: 5, Return: 6},
	}
	if v, err := CheckOperations(context.Background(), ops, Options{}); err != nil || v.OK {
		t.Fatalf("from an empty store: %+v, %v; want a violation (x was never written)", v, err)
	}
	if v, err := CheckOperations(context.Background(), ops, Options{UnknownInitial: true}); err != nil || !v.OK {
		t.Fatalf("from an unknown store: %+v, %v; want OK", v, err)
	}
	// Once observed, the value is fixed.
	ops = append(ops, Operation{Op: Get("x"), Out: found("other"), Call: 7, Return: 8})
	if v, err := CheckOperations(context.Background(), ops, Options{UnknownInitial: true}); err != nil || v.OK || v.Key != "x" {
		t.Fatalf("two different first values: %+v, %v; want a violation on x", v, err)
	}
}

func TestCheckOperationsFailedAndPending(t *testing.T) {
	ops := []Operation{
		{Op: Put("x", "1"), Call: 1, Failed: true, Return: 2}, // may have applied
		{Op: Put("x", "2"), Call: 3},                          // pending: may apply
		{Op: Get("x"), Out: found("1"), Call: 4, Return: 5},
		{Op: Get("x"), Out: found("2"), Call: 6, Return: 7},
		{Op: Get("x"), Out: found("garbage"), Call: 8, Return: 9, Failed: true}, // failed read: left out
		{Op: Get("x"), Call: 10},                                                // pending read: left out
	}
	v, err := CheckOperations(context.Background(), ops, Options{})
	if err != nil || !v.OK || v.Ops != 4 {
		t.Fatalf("verdict %+v, %v: want OK over 4 operations", v, err)
	}
}

func TestCheckOperationsErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CheckOperations(ctx, staleHistory(), Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v, want context.Canceled", err)
	}
	bad := []Operation{{Op: Op{Kind: 9, Key: "x"}, Call: 1, Return: 2}}
	if _, err := CheckOperations(context.Background(), bad, Options{}); !errors.Is(err, ErrBadOp) {
		t.Fatalf("bad kind: %v, want ErrBadOp", err)
	}
}

// Many keys are checked in batches, with Yield called between them.
func TestCheckOperationsBatches(t *testing.T) {
	var ops []Operation
	for i := range 3 * batchOps {
		k := fmt.Sprintf("k%d", i%1000)
		ops = append(ops, Operation{Op: Put(k, fmt.Sprint(i)), Call: int64(2*i + 1), Return: int64(2*i + 2)})
	}
	yields := 0
	v, err := CheckOperations(context.Background(), ops, Options{Yield: func() { yields++ }})
	if err != nil || !v.OK || v.Keys != 1000 {
		t.Fatalf("verdict %+v, %v", v, err)
	}
	if yields == 0 {
		t.Fatal("Yield never called")
	}
}

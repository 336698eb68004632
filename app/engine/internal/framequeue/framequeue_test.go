package framequeue

import (
	"context"
	"errors"
	"testing"
)

func TestFramesBeforeTheEndAreReadFirst(t *testing.T) {
	q := New()
	q.Push([]byte("a"))
	q.Push([]byte("b"))
	first, second := errors.New("first"), errors.New("second")
	if !q.End(first) || q.End(second) {
		t.Fatal("End: the first call sets the reason, later ones do not")
	}
	q.Push([]byte("after the end"))
	ctx := context.Background()
	for _, want := range []string{"a", "b"} {
		if b, err := q.Recv(ctx); err != nil || string(b) != want {
			t.Fatalf("Recv = %q, %v; want %q", b, err, want)
		}
	}
	for range 2 {
		if _, err := q.Recv(ctx); err != first {
			t.Fatalf("Recv after the frames = %v, want the first reason", err)
		}
	}
	if q.Err() != first {
		t.Fatalf("Err = %v", q.Err())
	}
}

func TestRecvWakesOnPushAndEnd(t *testing.T) {
	q := New()
	got := make(chan string)
	go func() {
		for {
			b, err := q.Recv(context.Background())
			if err != nil {
				got <- "end: " + err.Error()
				return
			}
			got <- string(b)
		}
	}()
	q.Push([]byte("x"))
	if g := <-got; g != "x" {
		t.Fatalf("got %q", g)
	}
	q.End(errors.New("gone"))
	if g := <-got; g != "end: gone" {
		t.Fatalf("got %q", g)
	}
}

func TestRecvStopsWithItsContextAndDiscard(t *testing.T) {
	q := New()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := q.Recv(ctx); err != context.Canceled {
		t.Fatalf("Recv on an ended ctx = %v", err)
	}
	q.Push([]byte("dropped"))
	q.Discard()
	q.End(errors.New("closed"))
	if b, err := q.Recv(context.Background()); b != nil || err == nil {
		t.Fatalf("Recv after Discard = %q, %v; want the end", b, err)
	}
}

package deepcopy

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

type node struct {
	name     string
	next     *node     // cycles
	arr      *[4]int64 // an array object
	elem     *int64    // an interior pointer into arr
	buf      []byte    // a slice of a larger array
	whole    []byte    // the whole array
	m        map[string]*node
	ch       chan int
	done     chan struct{}
	any      any
	err      error
	mu       sync.Mutex
	tick     func()
	plain    func(int) int
	expr     func(*node)
	value    func() string
	counter  int
	shared   []byte
	zeroed   []int
	children []*node
}

func (n *node) inc() { n.counter++ }

func double(x int) int { return 2 * x }

type label string

func (l label) String() string { return string(l) }

var errSentinel = errors.New("sentinel")

func init() {
	Field(reflect.TypeFor[node](), "shared", Share)
	Field(reflect.TypeFor[node](), "zeroed", Zero)
}

func graph() *node {
	a := &node{name: "a", arr: &[4]int64{1, 2, 3, 4}, ch: make(chan int, 3), done: make(chan struct{}), err: errSentinel}
	a.elem = &a.arr[2]
	a.whole = []byte("hello world")
	a.buf = a.whole[6:8]
	b := &node{name: "b", next: a, m: map[string]*node{"a": a}}
	a.next = b
	a.m = map[string]*node{"b": b, "a": a}
	a.any = b
	a.tick = a.inc
	a.plain = double
	a.expr = (*node).inc
	a.shared = []byte("shared")
	a.zeroed = []int{1}
	a.children = []*node{b, a}
	a.ch <- 7
	a.ch <- 8
	close(a.done)
	a.mu.Lock() // copied quiescent: zero
	return a
}

func TestCopyKeepsShapeAndSharesNothingMutable(t *testing.T) {
	a := graph()
	v, err := New().Copy(a)
	if err != nil {
		t.Fatal(err)
	}
	c := v.(*node)
	if c == a || c.next == a.next || c.next.next != c {
		t.Fatal("the cycle a -> b -> a is not copied as a cycle of new nodes")
	}
	if c.m["a"] != c || c.m["b"] != c.next || c.next.m["a"] != c || c.any.(*node) != c.next || c.children[0] != c.next || c.children[1] != c {
		t.Fatal("pointers to one node do not all point to its one copy")
	}
	if c.arr == a.arr || c.elem != &c.arr[2] || *c.elem != 3 {
		t.Fatal("the interior pointer does not point into the copied array")
	}
	if &c.whole[0] == &a.whole[0] || &c.buf[0] != &c.whole[6] || string(c.buf) != "wo" {
		t.Fatal("slices of one array are not slices of one copied array")
	}
	c.whole[6] = 'W'
	if a.buf[0] != 'w' || c.buf[0] != 'W' {
		t.Fatal("writes through the copy reach the original, or not the copy's alias")
	}
	if &c.shared[0] != &a.shared[0] || c.zeroed != nil {
		t.Fatal("the field rules (Share, Zero) were not applied")
	}
	if !errors.Is(c.err, errSentinel) {
		t.Fatal("an error value lost its identity")
	}
	if !c.mu.TryLock() {
		t.Fatal("the mutex was copied locked")
	}
	if c.plain(21) != 42 {
		t.Fatal("a plain function was not kept")
	}
	c.expr(c)
	c.counter--
	c.tick()
	if c.counter != 1 || a.counter != 0 {
		t.Fatalf("the method value was not rebound to the copy: copy %d, original %d", c.counter, a.counter)
	}
	select {
	case <-c.done:
	default:
		t.Fatal("a closed channel's copy is open")
	}
	if c.ch == a.ch || len(c.ch) != 2 || <-c.ch != 7 || <-c.ch != 8 || len(a.ch) != 2 {
		t.Fatal("a channel's buffered values were not copied, or were taken from the original")
	}
}

func TestCopyRefusesClosures(t *testing.T) {
	n := 0
	a := &node{name: "a", tick: func() { n++ }}
	_, err := New().Copy(a)
	if err == nil || !strings.Contains(err.Error(), "closure") || !strings.Contains(err.Error(), "node.tick") {
		t.Fatalf("copying a closure: %v, want an error naming it", err)
	}
}

func TestMapTranslatesToAnExistingObject(t *testing.T) {
	a := graph()
	target := &node{}
	cp := New()
	cp.Map(unsafe.Pointer(a), unsafe.Pointer(target))
	v, err := cp.Copy(a)
	if err != nil {
		t.Fatal(err)
	}
	c := v.(*node)
	if c.next.next != target || c.m["a"] != target {
		t.Fatal("pointers to the mapped object do not point to its target")
	}
	Move(target, c, "mu")
	if target.name != "a" || target.next.next != target {
		t.Fatal("Move did not carry the fields over")
	}
}

func TestSizeCountsTheGraph(t *testing.T) {
	small, big := &node{}, &node{whole: make([]byte, 1<<20)}
	cs, cb := New(), New()
	if err := cs.Scan(small); err != nil {
		t.Fatal(err)
	}
	if err := cb.Scan(big); err != nil {
		t.Fatal(err)
	}
	if cb.Bytes-cs.Bytes < 1<<20 {
		t.Fatalf("a 1 MiB slice adds %d bytes", cb.Bytes-cs.Bytes)
	}
}

func TestCopyRefusesValueMethodValues(t *testing.T) {
	a := &node{name: "a", value: label("x").String}
	_, err := New().Copy(a)
	if err == nil || !strings.Contains(err.Error(), "value receiver") {
		t.Fatalf("copying a method value with a value receiver: %v, want an error", err)
	}
}

// Package deepcopy copies an object graph, unexported fields included, so
// that the copy shares no mutable memory with the original. It exists for
// cluster checkpoints (node/cluster/clone.go): a cluster holds raft's
// unexported state, which no API copies.
//
// # How
//
// A copy runs in two passes over the graph reachable from the root:
//
//  1. Scan visits every pointer, slice, map, interface and channel and
//     records the memory each pointer or slice refers to as a region
//     (start, end, type). Regions that overlap belong to one allocation (an
//     interior pointer, e.g. to one element of an array or a field of a
//     struct, or several slices of one array) and are merged.
//  2. Copy allocates one new object per merged region and copies into it,
//     translating every pointer to the same offset in the new object, so
//     aliasing (two pointers to one object, a pointer into an array, slices
//     of one array) and cycles are kept exactly. A struct or array is
//     copied whole (one typed copy), then only its slots, the values in it
//     that need more (pointers to translate, fields to zero), are redone.
//
// Kinds:
//   - strings are shared (immutable);
//   - maps and channels are copied once each (memoised), channels with the
//     values they buffer and closed when the original is (Scan reads a
//     channel's buffer and puts it back: nothing may send on the channels
//     concurrently, except to a channel of empty values, a notification;
//     a channel with a blocked sender is not supported);
//   - sync.Mutex, sync.RWMutex and sync.WaitGroup are copied quiescent
//     (zero): the caller copies while nothing runs (atomics are copied
//     as their values);
//   - error interfaces are shared (errors are immutable values whose
//     identity errors.Is compares);
//   - a func value is copied when it is a plain function (no captured
//     state: shared) or a method value (obj.Method) whose receiver is in
//     the graph: it is rebound to the copied receiver (rebind below);
//     any other closure must be covered by a rule (Zero or Share), or
//     the copy fails naming it;
//   - unsafe.Pointer values are translated when they point into the
//     graph and kept otherwise (Scan cannot follow them).
//
// Rules name fields to share (their memory is immutable by a documented
// contract) or to zero (the owner rebuilds them after the copy).
//
// Limits: slice elements past len whose type holds pointers are zeroed in
// the copy (nothing in a well-formed program reads them before writing).
package deepcopy

import (
	"cmp"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Policy says how a field or type is copied.
type Policy uint8

const (
	Copy  Policy = iota // deep copy (the default)
	Share               // the copy holds the original value (immutable memory)
	Zero                // the copy holds the zero value (rebuilt by the owner)
)

type fieldKey struct {
	t    reflect.Type
	name string
}

var (
	rulesMu    sync.RWMutex
	fieldRules = map[fieldKey]Policy{}
	typeRules  = map[reflect.Type]Policy{
		reflect.TypeFor[sync.Mutex]():     Zero,
		reflect.TypeFor[sync.RWMutex]():   Zero,
		reflect.TypeFor[sync.WaitGroup](): Zero,
		reflect.TypeFor[error]():          Share,
	}
	infos sync.Map // reflect.Type -> *typeInfo

	lastRegions atomic.Int64 // raw regions of the last Scan (New's hint)
)

// Field sets the policy of struct type t's field name. It panics if t has
// no such field (a renamed field must not silently fall back to Copy).
// Call it from init.
func Field(t reflect.Type, name string, p Policy) {
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("deepcopy: %v is not a struct", t))
	}
	if _, ok := t.FieldByName(name); !ok {
		panic(fmt.Sprintf("deepcopy: %v has no field %s", t, name))
	}
	rulesMu.Lock()
	defer rulesMu.Unlock()
	fieldRules[fieldKey{t, name}] = p
	infos.Clear()
}

// Type sets the policy of every value of type t. Call it from init.
func Type(t reflect.Type, p Policy) {
	rulesMu.Lock()
	defer rulesMu.Unlock()
	typeRules[t] = p
	infos.Clear()
}

// typeInfo is what the copy needs to know of a type, computed once.
type typeInfo struct {
	t      reflect.Type
	size   uintptr
	walk   bool // holds something to translate or visit (else: plain bytes)
	policy Policy
	fields []fieldInfo // structs: the fields to walk or apply a policy to
	// elem: of a pointer, slice, array, map or channel type; key: a map's.
	elem, key *typeInfo
	// slots (structs and arrays that walk): every value inside that needs
	// more than a typed copy of the whole (a pointer to translate, a field
	// to zero, ...), nested structs and small arrays flattened, so that
	// copyObject copies the whole at once and then visits only these.
	slots []slot
}

// slot is one value inside a struct or array: at off, of type ti, copied
// by policy.
type slot struct {
	off    uintptr
	ti     *typeInfo
	policy Policy
	name   string // the field's path, for errors
}

// flattenMax bounds the arrays flattened into slots (longer ones are one
// slot, walked element by element).
const flattenMax = 16

func (ti *typeInfo) flatten(base uintptr, path string, out []slot) []slot {
	switch ti.t.Kind() {
	case reflect.Struct:
		for _, f := range ti.fields {
			out = addSlot(out, base+f.off, path+"."+f.name, f.info, f.policy)
		}
	case reflect.Array:
		for i := range ti.t.Len() {
			out = addSlot(out, base+uintptr(i)*ti.elem.size, fmt.Sprintf("%s[%d]", path, i), ti.elem, Copy)
		}
	}
	return out
}

func addSlot(out []slot, off uintptr, name string, ti *typeInfo, p Policy) []slot {
	if p == Copy {
		p = ti.policy
	}
	k := ti.t.Kind()
	switch {
	case p == Share:
		return out // the typed copy of the whole shares it
	case p == Copy && !ti.walk:
		return out
	case p == Copy && (k == reflect.Struct || k == reflect.Array && ti.t.Len() <= flattenMax):
		return ti.flatten(off, name, out)
	}
	return append(out, slot{off, ti, p, name})
}

type fieldInfo struct {
	off    uintptr
	info   *typeInfo
	policy Policy
	name   string
}

func info(t reflect.Type) *typeInfo {
	if v, ok := infos.Load(t); ok {
		return v.(*typeInfo)
	}
	rulesMu.RLock()
	defer rulesMu.RUnlock()
	building := map[reflect.Type]*typeInfo{}
	ti := build(t, building)
	for _, b := range building { // complete now: their slots can be listed
		if k := b.t.Kind(); b.walk && (k == reflect.Struct || k == reflect.Array) {
			b.slots = b.flatten(0, b.t.String(), nil)
		}
	}
	for _, b := range building {
		infos.Store(b.t, b)
	}
	return ti
}

func build(t reflect.Type, building map[reflect.Type]*typeInfo) *typeInfo {
	if v, ok := infos.Load(t); ok {
		return v.(*typeInfo)
	}
	if ti := building[t]; ti != nil {
		return ti
	}
	ti := &typeInfo{t: t, size: t.Size(), policy: typeRules[t]}
	building[t] = ti
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Chan:
		ti.walk = true
		ti.elem = build(t.Elem(), building)
	case reflect.Map:
		ti.walk = true
		ti.key, ti.elem = build(t.Key(), building), build(t.Elem(), building)
	case reflect.Func, reflect.Interface, reflect.UnsafePointer:
		ti.walk = true
	case reflect.Array:
		ti.elem = build(t.Elem(), building)
		ti.walk = t.Len() > 0 && ti.elem.walk
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			fi := fieldInfo{off: f.Offset, info: build(f.Type, building), name: f.Name}
			fi.policy = fieldRules[fieldKey{t, f.Name}]
			if fi.policy == Copy {
				fi.policy = fi.info.policy
			}
			if fi.policy != Copy || fi.info.walk {
				ti.fields = append(ti.fields, fi)
				ti.walk = true
			}
		}
	}
	if ti.policy != Copy {
		ti.walk = true
	}
	return ti
}

// region is memory the graph refers to: an object of type t at start, or
// n elements of type t (slices).
type region struct {
	start, end uintptr
	live       uintptr // end of the elements to deep-copy (slices: len)
	ti         *typeInfo
	array      bool
	same       int32 // the next raw region at the same start, or -1 (Scan)
	src        unsafe.Pointer
	dst        unsafe.Pointer // the copy
	as         unsafe.Pointer // address pointers into it are translated to (dst unless Map)
}

// chanCopy is a channel's state read by Scan.
type chanCopy struct {
	vals   []reflect.Value
	closed bool
	copy   reflect.Value
}

// Copier copies one graph. Use New, then Copy (or Scan and Size).
type Copier struct {
	raw     []region
	regions []region // merged, sorted by start
	// seen maps an address to the index in raw of the first region
	// recorded there; others at the same address (a struct and its first
	// field, an array and a pointer to its first element) follow it by
	// region.same.
	seen    map[unsafe.Pointer]int32
	maps    map[unsafe.Pointer]reflect.Value
	chans   map[unsafe.Pointer]*chanCopy
	mapped  map[unsafe.Pointer]unsafe.Pointer
	shared  map[unsafe.Pointer]uintptr
	err     error
	scanned bool

	// Bytes counts the bytes of the copy's objects (maps estimated);
	// SharedBytes the distinct shared slices' bytes.
	Bytes, SharedBytes int64
}

// New returns a Copier.
func New() *Copier {
	n := lastRegions.Load() // a hint: the last graph's size
	return &Copier{
		raw:    make([]region, 0, n+n/8),
		seen:   make(map[unsafe.Pointer]int32, n+n/8),
		maps:   map[unsafe.Pointer]reflect.Value{},
		chans:  map[unsafe.Pointer]*chanCopy{},
		mapped: map[unsafe.Pointer]unsafe.Pointer{},
		shared: map[unsafe.Pointer]uintptr{},
	}
}

// Map makes pointers to the object at src (the start of a region) translate
// to as instead of to the object's fresh copy. The copy is still made (Copy
// returns it for root); the caller then moves its contents into *as
// (Move). Call before Scan.
func (c *Copier) Map(src, as unsafe.Pointer) { c.mapped[src] = as }

func (c *Copier) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("deepcopy: "+format, args...)
	}
}

// Scan walks the graph from root, a non-nil pointer.
func (c *Copier) Scan(root any) error {
	v := reflect.ValueOf(root)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("deepcopy: root must be a non-nil pointer, not %T", root)
	}
	c.pointer(v.UnsafePointer(), info(v.Type().Elem()))
	c.merge()
	c.scanned = true
	return c.err
}

// pointer records the object of type ti at p and scans it once.
func (c *Copier) pointer(p unsafe.Pointer, ti *typeInfo) {
	if p == nil || ti.size == 0 {
		return
	}
	if c.lookup(p, ti, false) >= 0 {
		return
	}
	c.add(region{start: uintptr(p), end: uintptr(p) + ti.size, live: uintptr(p) + ti.size, ti: ti, src: p})
	c.scan(p, ti)
}

// slice records the backing array of a slice and scans its first n elements.
func (c *Copier) slice(p unsafe.Pointer, ei *typeInfo, n, capacity int) {
	if p == nil || capacity == 0 || ei.size == 0 {
		return
	}
	es := ei.size
	from := 0
	if i := c.lookup(p, ei, true); i >= 0 {
		r := &c.raw[i]
		from = int((r.live - r.start) / es)
		r.end = max(r.end, r.start+uintptr(capacity)*es)
		if n <= from {
			return
		}
		r.live = r.start + uintptr(n)*es
	} else {
		s := uintptr(p)
		c.add(region{start: s, end: s + uintptr(capacity)*es, live: s + uintptr(n)*es, ti: ei, array: true, src: p})
	}
	if !ei.walk {
		return
	}
	for i := from; i < n; i++ {
		c.scan(unsafe.Add(p, uintptr(i)*es), ei)
	}
}

// lookup returns the index in raw of the region of type ti (an array of
// them if array) at p, or -1.
func (c *Copier) lookup(p unsafe.Pointer, ti *typeInfo, array bool) int32 {
	i, ok := c.seen[p]
	if !ok {
		return -1
	}
	for ; i >= 0; i = c.raw[i].same {
		if r := &c.raw[i]; r.ti == ti && r.array == array {
			return i
		}
	}
	return -1
}

// add records region r.
func (c *Copier) add(r region) {
	i := int32(len(c.raw))
	r.same = -1
	if j, ok := c.seen[r.src]; ok {
		r.same = j
	}
	c.seen[r.src] = i
	c.raw = append(c.raw, r)
}

// scan visits the pointers inside the value of type ti at p.
func (c *Copier) scan(p unsafe.Pointer, ti *typeInfo) {
	if !ti.walk || c.err != nil {
		return
	}
	switch ti.policy {
	case Zero:
		return
	case Share:
		c.noteShared(p, ti)
		return
	}
	t := ti.t
	switch t.Kind() {
	case reflect.Pointer:
		c.pointer(*(*unsafe.Pointer)(p), ti.elem)
	case reflect.Slice:
		h := (*sliceHeader)(p)
		c.slice(h.data, ti.elem, h.len, h.cap)
	case reflect.Map:
		m := *(*unsafe.Pointer)(p)
		if m == nil {
			return
		}
		if _, ok := c.maps[m]; ok {
			return
		}
		mv := reflect.NewAt(t, p).Elem()
		c.maps[m] = reflect.Value{}
		ki, vi := ti.key, ti.elem
		c.Bytes += 48 + int64(mv.Len())*int64(ki.size+vi.size+8)
		if !ki.walk && !vi.walk {
			return
		}
		it := mv.MapRange()
		for it.Next() {
			c.scanValue(it.Key(), ki)
			c.scanValue(it.Value(), vi)
		}
	case reflect.Chan:
		ch := *(*unsafe.Pointer)(p)
		if ch == nil {
			return
		}
		if _, ok := c.chans[ch]; ok {
			return
		}
		cc := &chanCopy{}
		c.chans[ch] = cc
		cv := reflect.NewAt(t, p).Elem()
		if t.ChanDir() != reflect.BothDir {
			c.fail("a %v is not supported (only bidirectional channels)", t)
			return
		}
		for n := cv.Len(); n > 0; n-- {
			v, ok := cv.TryRecv()
			if !ok {
				break
			}
			cc.vals = append(cc.vals, v)
		}
		if cv.Len() == 0 {
			if v, ok := cv.TryRecv(); v.IsValid() && !ok {
				cc.closed = true
			} else if ok {
				c.fail("channel %v received a value while being copied", t)
			}
		}
		if cc.closed && len(cc.vals) > 0 {
			c.fail("cannot copy a closed %v holding values", t)
			return
		}
		for _, v := range cc.vals {
			// put back; a channel of empty values (a notification) that
			// someone refilled meanwhile already holds what it held
			if !cv.TrySend(v) && t.Elem().Size() != 0 {
				c.fail("channel %v was written while being copied", t)
				return
			}
		}
		for _, v := range cc.vals {
			c.scanValue(v, ti.elem)
		}
	case reflect.Interface:
		iv := reflect.NewAt(t, p).Elem()
		if iv.IsNil() {
			return
		}
		dv := iv.Elem()
		dt := dv.Type()
		word := (*[2]unsafe.Pointer)(p)[1]
		if pointerShaped(dt) {
			c.scan(unsafe.Pointer(&word), info(dt))
		} else {
			c.scan(word, info(dt)) // the box: read only, copied anew
		}
	case reflect.Func:
		// method values: their receiver must be in the graph (checked by Copy)
	case reflect.Array:
		ei, es := ti.elem, ti.elem.size
		for i := range t.Len() {
			c.scan(unsafe.Add(p, uintptr(i)*es), ei)
		}
	case reflect.Struct:
		for _, f := range ti.fields {
			fp := unsafe.Add(p, f.off)
			switch f.policy {
			case Zero:
			case Share:
				c.noteShared(fp, f.info)
			default:
				c.scan(fp, f.info)
			}
		}
	}
}

// scanValue scans a value that is not addressable (a map's key or value, a
// channel's buffered value) through a temporary copy of it.
func (c *Copier) scanValue(v reflect.Value, ti *typeInfo) {
	if !ti.walk {
		return
	}
	if ti.t.Kind() == reflect.Pointer && ti.policy == Copy {
		c.pointer(v.UnsafePointer(), ti.elem)
		return
	}
	tmp := reflect.New(ti.t)
	tmp.Elem().Set(v)
	c.scan(tmp.UnsafePointer(), ti)
}

// noteShared counts the bytes of a shared slice once.
func (c *Copier) noteShared(p unsafe.Pointer, ti *typeInfo) {
	if ti.t.Kind() != reflect.Slice {
		return
	}
	h := (*sliceHeader)(p)
	if h.data != nil {
		c.shared[h.data] = max(c.shared[h.data], uintptr(h.cap)*ti.t.Elem().Size())
	}
}

func pointerShaped(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	}
	return false
}

type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// merge sorts the raw regions and merges overlapping ones into one
// allocation each, keeping the type of the one that covers the others.
func (c *Copier) merge() {
	raw := c.raw
	slices.SortFunc(raw, func(a, b region) int {
		switch {
		case a.start != b.start:
			return cmp.Compare(a.start, b.start)
		case a.end != b.end:
			return cmp.Compare(b.end, a.end)
		case a.array != b.array: // an array covers its first element
			if a.array {
				return -1
			}
			return 1
		}
		return 0
	})
	var out []region
	for _, r := range raw {
		if n := len(out); n > 0 && r.start < out[n-1].end {
			cur := &out[n-1]
			if r.end > cur.end {
				if !cur.array || !r.array || cur.ti != r.ti || (r.start-cur.start)%cur.ti.size != 0 {
					c.fail("overlapping memory of types %v and %v cannot be copied as one object", cur.ti.t, r.ti.t)
					return
				}
				cur.end = r.end
			}
			cur.live = max(cur.live, min(r.live, cur.end))
			if !cur.array || cur.ti != r.ti {
				// an interior object (a field, one element): its contents are
				// the enclosing object's, copied with it
				cur.live = cur.end
			}
			continue
		}
		out = append(out, r)
	}
	c.regions = out
	lastRegions.Store(int64(len(raw)))
	c.raw, c.seen = nil, nil
	for _, r := range out {
		c.Bytes += int64(r.end - r.start)
	}
	for _, n := range c.shared {
		c.SharedBytes += int64(n)
	}
}

// find returns the region holding address p, or nil.
func (c *Copier) find(p uintptr) *region {
	rs := c.regions
	i, j := 0, len(rs) // the first region ending after p is in [i, j]
	for i < j {
		h := int(uint(i+j) >> 1)
		if rs[h].end > p {
			j = h
		} else {
			i = h + 1
		}
	}
	if i < len(rs) && rs[i].start <= p {
		return &rs[i]
	}
	return nil
}

// translate maps a pointer into the graph to the same place in the copy.
func (c *Copier) translate(p unsafe.Pointer) (unsafe.Pointer, bool) {
	if p == nil {
		return nil, true
	}
	r := c.find(uintptr(p))
	if r == nil {
		return p, false
	}
	return unsafe.Add(r.as, uintptr(p)-r.start), true
}

// Copy copies the graph from root (a non-nil pointer, scanned by Scan or
// now) and returns the copy of *root, as the same pointer type.
func (c *Copier) Copy(root any) (any, error) {
	if !c.scanned {
		if err := c.Scan(root); err != nil {
			return nil, err
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	// Allocate every object first, so pointers can be translated in any
	// order.
	for i := range c.regions {
		r := &c.regions[i]
		if r.array {
			n := int((r.end - r.start) / r.ti.size)
			s := reflect.MakeSlice(reflect.SliceOf(r.ti.t), n, n)
			r.dst = s.UnsafePointer()
		} else {
			r.dst = reflect.New(r.ti.t).UnsafePointer()
		}
		r.as = r.dst
		if as, ok := c.mapped[r.src]; ok {
			r.as = as
		}
	}
	for i := range c.regions {
		r := &c.regions[i]
		if r.array {
			ti, es := r.ti, r.ti.size
			if !ti.walk {
				// plain elements: all of them, past len too (one memmove)
				size := r.end - r.start
				copy(unsafe.Slice((*byte)(r.dst), size), unsafe.Slice((*byte)(r.src), size))
				continue
			}
			n := int((r.live - r.start) / es)
			if ti.slots != nil && ti.policy == Copy {
				reflect.Copy(reflect.SliceAt(ti.t, r.dst, n), reflect.SliceAt(ti.t, r.src, n))
				for j := range n {
					c.fixSlots(unsafe.Add(r.dst, uintptr(j)*es), unsafe.Add(r.src, uintptr(j)*es), ti)
				}
				continue
			}
			for j := range n {
				c.copyValue(unsafe.Add(r.dst, uintptr(j)*es), unsafe.Add(r.src, uintptr(j)*es), ti)
			}
		} else if r.ti.slots != nil && r.ti.policy == Copy {
			typedCopy(r.dst, r.src, r.ti.t)
			c.fixSlots(r.dst, r.src, r.ti)
		} else {
			c.copyValue(r.dst, r.src, r.ti)
		}
		if c.err != nil {
			return nil, c.err
		}
	}
	v := reflect.ValueOf(root)
	r := c.find(uintptr(v.UnsafePointer()))
	return reflect.NewAt(v.Type().Elem(), r.dst).Interface(), nil
}

// fixSlots finishes a struct or array of type ti at dst that holds a typed
// copy of src: it copies each slot anew (translating pointers, ...).
func (c *Copier) fixSlots(dst, src unsafe.Pointer, ti *typeInfo) {
	for i := range ti.slots {
		sl := &ti.slots[i]
		d, s := unsafe.Add(dst, sl.off), unsafe.Add(src, sl.off)
		if sl.policy == Zero {
			reflect.NewAt(sl.ti.t, d).Elem().SetZero()
			continue
		}
		if sl.ti.t.Kind() == reflect.Array || sl.ti.t.Kind() == reflect.Struct {
			reflect.NewAt(sl.ti.t, d).Elem().SetZero() // copyValue expects zeroed memory
		}
		c.copyValue(d, s, sl.ti)
		if c.err != nil {
			c.err = fmt.Errorf("%w (in %s)", c.err, sl.name)
			return
		}
	}
}

// copyValue copies the value of type ti from src to dst (zeroed memory,
// or for leaves, memory holding a typed copy of src).
func (c *Copier) copyValue(dst, src unsafe.Pointer, ti *typeInfo) {
	if !ti.walk {
		copy(unsafe.Slice((*byte)(dst), ti.size), unsafe.Slice((*byte)(src), ti.size))
		return
	}
	switch ti.policy {
	case Zero:
		return
	case Share:
		typedCopy(dst, src, ti.t)
		return
	}
	t := ti.t
	switch t.Kind() {
	case reflect.Pointer:
		p, ok := c.translate(*(*unsafe.Pointer)(src))
		if !ok && ti.elem.size != 0 {
			c.fail("pointer %v outside the scanned graph", t)
			return
		}
		*(*unsafe.Pointer)(dst) = p
	case reflect.UnsafePointer:
		p, _ := c.translate(*(*unsafe.Pointer)(src))
		*(*unsafe.Pointer)(dst) = p
	case reflect.Slice:
		h, d := (*sliceHeader)(src), (*sliceHeader)(dst)
		if h.data == nil {
			return
		}
		p, ok := c.translate(h.data)
		if !ok && h.cap > 0 && ti.elem.size != 0 {
			c.fail("slice %v outside the scanned graph", t)
			return
		}
		d.data, d.len, d.cap = p, h.len, h.cap
	case reflect.Map:
		m := *(*unsafe.Pointer)(src)
		if m == nil {
			return
		}
		nm := c.maps[m]
		if !nm.IsValid() {
			mv := reflect.NewAt(t, src).Elem()
			nm = reflect.MakeMapWithSize(t, mv.Len())
			c.maps[m] = nm
			ki, vi := ti.key, ti.elem
			it := mv.MapRange()
			for it.Next() {
				nm.SetMapIndex(c.valueCopy(it.Key(), ki), c.valueCopy(it.Value(), vi))
			}
		}
		*(*unsafe.Pointer)(dst) = nm.UnsafePointer()
	case reflect.Chan:
		ch := *(*unsafe.Pointer)(src)
		if ch == nil {
			return
		}
		cc := c.chans[ch]
		if cc == nil {
			c.fail("channel %v outside the scanned graph", t)
			return
		}
		if !cc.copy.IsValid() {
			cv := reflect.NewAt(t, src).Elem()
			cc.copy = reflect.MakeChan(t, cv.Cap())
			for _, v := range cc.vals {
				cc.copy.Send(c.valueCopy(v, ti.elem))
			}
			if cc.closed {
				cc.copy.Close()
			}
		}
		*(*unsafe.Pointer)(dst) = cc.copy.UnsafePointer()
	case reflect.Interface:
		iv := reflect.NewAt(t, src).Elem()
		if iv.IsNil() {
			return
		}
		dv := iv.Elem()
		dt := dv.Type()
		word := (*[2]unsafe.Pointer)(src)[1]
		nv := reflect.New(dt)
		if pointerShaped(dt) {
			c.copyValue(nv.UnsafePointer(), unsafe.Pointer(&word), info(dt))
		} else {
			c.copyValue(nv.UnsafePointer(), word, info(dt))
		}
		reflect.NewAt(t, dst).Elem().Set(nv.Elem())
	case reflect.Func:
		c.copyFunc(dst, src, t)
	case reflect.Array:
		ei, es := ti.elem, ti.elem.size
		for i := range t.Len() {
			c.copyValue(unsafe.Add(dst, uintptr(i)*es), unsafe.Add(src, uintptr(i)*es), ei)
		}
	case reflect.Struct:
		// plain bytes first (fields that need no walk), then the others
		typedCopyPlain(dst, src, ti)
		for _, f := range ti.fields {
			fd, fs := unsafe.Add(dst, f.off), unsafe.Add(src, f.off)
			switch f.policy {
			case Zero:
			case Share:
				typedCopy(fd, fs, f.info.t)
			default:
				c.copyValue(fd, fs, f.info)
			}
			if c.err != nil {
				c.err = fmt.Errorf("%w (in %v.%s)", c.err, t, f.name)
				return
			}
		}
	}
}

// valueCopy deep-copies a non-addressable value.
func (c *Copier) valueCopy(v reflect.Value, ti *typeInfo) reflect.Value {
	if !ti.walk {
		return v
	}
	if ti.t.Kind() == reflect.Pointer && ti.policy == Copy {
		p, ok := c.translate(v.UnsafePointer())
		if !ok && ti.elem.size != 0 {
			c.fail("pointer %v outside the scanned graph", ti.t)
		}
		return reflect.NewAt(ti.elem.t, p)
	}
	tmp := reflect.New(ti.t)
	tmp.Elem().Set(v)
	out := reflect.New(ti.t)
	c.copyValue(out.UnsafePointer(), tmp.UnsafePointer(), ti)
	return out.Elem()
}

// typedCopy copies a value of type t with the runtime's write barriers.
func typedCopy(dst, src unsafe.Pointer, t reflect.Type) {
	reflect.NewAt(t, dst).Elem().Set(reflect.NewAt(t, src).Elem())
}

// typedCopyPlain copies a struct's fields that hold no pointers: the gaps
// between the walked fields.
func typedCopyPlain(dst, src unsafe.Pointer, ti *typeInfo) {
	var at uintptr
	for _, f := range ti.fields {
		if f.off > at {
			copy(unsafe.Slice((*byte)(unsafe.Add(dst, at)), f.off-at), unsafe.Slice((*byte)(unsafe.Add(src, at)), f.off-at))
		}
		at = f.off + f.info.size
	}
	if ti.size > at {
		copy(unsafe.Slice((*byte)(unsafe.Add(dst, at)), ti.size-at), unsafe.Slice((*byte)(unsafe.Add(src, at)), ti.size-at))
	}
}

// copyFunc copies a func value: a plain function (or method expression) is
// shared; a method value with a pointer receiver is rebound to the copy of
// its receiver; anything else fails.
func (c *Copier) copyFunc(dst, src unsafe.Pointer, t reflect.Type) {
	fv := *(*unsafe.Pointer)(src) // the funcval: {code pointer, captured...}
	if fv == nil {
		return
	}
	name := FuncName(reflect.NewAt(t, src).Elem())
	switch kind, recvType := funcKind(name, t); kind {
	case plainFunc:
		*(*unsafe.Pointer)(dst) = fv // static, no state
	case pointerMethodValue:
		recv := (*methodValue)(fv).recv
		p, ok := c.translate(recv)
		r := c.find(uintptr(recv))
		if !ok || r.start != uintptr(recv) || r.array || baseName(r.ti.t.Name()) != recvType {
			c.fail("method value %s: its receiver is not a %s of the graph", name, recvType)
			return
		}
		*(*unsafe.Pointer)(dst) = unsafe.Pointer(&methodValue{code: (*methodValue)(fv).code, recv: p})
	case valueMethodValue:
		c.fail("method value %s (a %v) has a value receiver, which cannot be copied: give its field a rule", name, t)
	default:
		c.fail("closure %s (a %v) cannot be copied: give its field a rule", name, t)
	}
}

const (
	plainFunc = iota
	pointerMethodValue
	valueMethodValue
	closure
)

// funcKind tells from a func value's runtime name and type what it is. A
// method value's code is a wrapper named "pkg.(*T).M-fm" (natively; under
// js/wasm FuncName sees the method it inlined, "pkg.(*T).M"); a method
// expression (*T).M is the method itself, whose type takes the receiver
// first; a function literal is "pkg.F.func1".
func funcKind(name string, t reflect.Type) (kind int, recvType string) {
	if isClosure(name) {
		return closure, ""
	}
	base := stripBrackets(name)
	base = base[strings.LastIndexByte(base, '/')+1:]
	base = strings.TrimSuffix(base, "-fm")
	parts := strings.Split(base, ".")
	if len(parts) < 3 {
		return plainFunc, "" // pkg.F
	}
	recv := parts[1]
	ptr := strings.HasPrefix(recv, "(*") && strings.HasSuffix(recv, ")")
	if ptr {
		recv = recv[2 : len(recv)-1]
	}
	if t.NumIn() > 0 { // a method expression takes its receiver first
		in := t.In(0)
		if in.Kind() == reflect.Pointer && ptr {
			in = in.Elem()
		}
		if baseName(in.Name()) == recv {
			return plainFunc, ""
		}
	}
	if ptr {
		return pointerMethodValue, recv
	}
	return valueMethodValue, recv
}

// stripBrackets drops generic instantiations ("[...]") from a name.
func stripBrackets(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// baseName is a type name without its instantiation.
func baseName(s string) string {
	if i := strings.IndexByte(s, '['); i >= 0 {
		return s[:i]
	}
	return s
}

// methodValue is the layout of the closure the compiler makes for a method
// value x.M with a pointer receiver: the wrapper's code pointer and the
// receiver. TestCopyKeepsShapeAndSharesNothingMutable (and, for raft,
// node's TestCloneRebindsRaftTick) checks it.
type methodValue struct {
	code uintptr
	recv unsafe.Pointer
}

// FuncName returns the runtime name of a func value's code.
func FuncName(f reflect.Value) string {
	if f.IsNil() {
		return ""
	}
	if fn := runtime.FuncForPC(f.Pointer()); fn != nil {
		return fn.Name()
	}
	return "?"
}

// isClosure reports whether a function name is a function literal's
// ("pkg.outer.func1", "pkg.outer.gowrap1", "pkg.init.func1").
func isClosure(name string) bool {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return true
	}
	last := name[i+1:]
	return strings.HasPrefix(last, "func") || strings.HasPrefix(last, "gowrap") ||
		strings.HasPrefix(last, "deferwrap") || last[0] >= '0' && last[0] <= '9'
}

// Move sets every field of the struct *dst from *src, except the named
// ones (its locks, which the caller holds), with write barriers. dst and
// src must be pointers to the same struct type.
func Move(dst, src any, except ...string) {
	dv, sv := reflect.ValueOf(dst), reflect.ValueOf(src)
	t := dv.Type().Elem()
	if sv.Type() != dv.Type() || t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("deepcopy: Move of %T into %T", src, dst))
	}
	d, s := dv.UnsafePointer(), sv.UnsafePointer()
outer:
	for i := range t.NumField() {
		f := t.Field(i)
		for _, e := range except {
			if f.Name == e {
				continue outer
			}
		}
		typedCopy(unsafe.Add(d, f.Offset), unsafe.Add(s, f.Offset), f.Type)
	}
}

// Copied returns the copy of the object that starts at src (nil if the
// graph has no object there). Call after Copy.
func (c *Copier) Copied(src unsafe.Pointer) unsafe.Pointer {
	if r := c.find(uintptr(src)); r != nil && r.start == uintptr(src) {
		return r.dst
	}
	return nil
}

// TopTypes lists the types holding the most bytes in the scanned graph
// (debugging and benchmarks).
func (c *Copier) TopTypes(n int) []string {
	by := map[string]int64{}
	cnt := map[string]int{}
	for _, r := range c.regions {
		k := r.ti.t.String()
		if r.array {
			k = "[]" + k
		}
		by[k] += int64(r.end - r.start)
		cnt[k]++
	}
	var keys []string
	for k := range by {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return by[keys[i]] > by[keys[j]] })
	var out []string
	for _, k := range keys[:min(n, len(keys))] {
		out = append(out, fmt.Sprintf("%s: %d bytes in %d", k, by[k], cnt[k]))
	}
	return out
}

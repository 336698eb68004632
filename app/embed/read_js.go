package embed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"syscall/js"
)

// Reading a message's data (the structured clone the browser made of what
// the embedding page posted) as the JSON text handle decodes, within
// bounds: the reader walks the value itself, looking at an array's or a
// string's length before its content, so a message of two million values
// costs the page as much as one of maxMessageValues. (JSON.stringify, which
// the page used before, serialises all of it first.) The browser's own
// deserialisation of the data, when the page first reads MessageEvent.data,
// is not the reader's: frame_js.go never reads the data of a message
// from an origin that is not allowed.

// jsonReader writes one JavaScript value as JSON, failing with an error
// that names the part over its bounds or that JSON cannot hold.
type jsonReader struct {
	buf       bytes.Buffer
	values    int // written so far
	maxValues int
	maxBytes  int
}

// readMessage returns data as JSON when it is an etcd-play message (a
// plain object whose etcdplay property is neither undefined nor null; else
// errNotOurs). When it cannot be read within maxMessageValues and
// maxMessageBytes, or holds what JSON cannot, err says which field, and
// head is the JSON of its etcdplay, id and cmd fields alone (those that
// can be read), for the reply to echo.
//
// A panic of syscall/js (a value of a kind this reader does not expect)
// is that error too: a message never stops the page.
func readMessage(data js.Value) (msg, head []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			msg, head, err = nil, []byte("{}"), fmt.Errorf("the message could not be read: %v", p)
		}
	}()
	if t, ok := typeOf(data); !ok || t != js.TypeObject || !isPlainObject(data) {
		return nil, nil, errNotOurs
	}
	if e := data.Get("etcdplay"); e.IsUndefined() || e.IsNull() {
		return nil, nil, errNotOurs
	}
	r := &jsonReader{maxValues: maxMessageValues, maxBytes: maxMessageBytes}
	if err := r.value(data, ""); err != nil {
		return nil, readHead(data), err
	}
	return r.buf.Bytes(), nil, nil
}

// readHead is the JSON object of data's etcdplay, id and cmd fields, each
// kept only when it reads within small bounds.
func readHead(data js.Value) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for _, name := range []string{"etcdplay", "id", "cmd"} {
		v := data.Get(name)
		if v.IsUndefined() {
			continue
		}
		r := &jsonReader{maxValues: 64, maxBytes: 1 << 10}
		if r.value(v, name) != nil {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(name) + ":")
		b.Write(r.buf.Bytes())
	}
	b.WriteByte('}')
	return b.Bytes()
}

var (
	jsArrayIsArray   = js.Global().Get("Array").Get("isArray")
	jsObjectKeys     = js.Global().Get("Object").Get("keys")
	jsGetPrototypeOf = js.Global().Get("Object").Get("getPrototypeOf")
	jsObjectProto    = js.Global().Get("Object").Get("prototype")
	jsObject         = js.Global().Get("Object")
)

// typeOf is v.Type(), false for a value syscall/js has no type for (a
// BigInt, which Value.Type panics on).
func typeOf(v js.Value) (t js.Type, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return v.Type(), true
}

// isPlainObject reports whether the object v is a plain object (not an
// array, Date, Map, typed array...): what a JSON object becomes.
func isPlainObject(v js.Value) bool {
	if jsArrayIsArray.Invoke(v).Bool() {
		return false
	}
	p := jsGetPrototypeOf.Invoke(v)
	return p.IsNull() || p.Equal(jsObjectProto)
}

// describe names a value JSON cannot hold, for an error.
func describe(v js.Value) string {
	if _, ok := typeOf(v); !ok {
		return "a BigInt"
	}
	return jsObjectProto.Get("toString").Call("call", v).String()
}

// field is the path of a part of the message for errors: "groups",
// "groups[0]", "id.x".
func field(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (r *jsonReader) value(v js.Value, path string) error {
	name := path
	if name == "" {
		name = "the message"
	}
	if r.values++; r.values > r.maxValues {
		return fmt.Errorf("%s: a message holds at most %d values", name, r.maxValues)
	}
	if r.buf.Len() > r.maxBytes {
		return fmt.Errorf("%s: a message is at most %d bytes of JSON", name, r.maxBytes)
	}
	t, ok := typeOf(v)
	if !ok {
		return fmt.Errorf("%s must be a JSON value, not a BigInt", name)
	}
	switch t {
	case js.TypeNull, js.TypeUndefined: // undefined: only in an array, where JSON.stringify writes null
		r.buf.WriteString("null")
	case js.TypeBoolean:
		r.buf.WriteString(strconv.FormatBool(v.Bool()))
	case js.TypeNumber:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%s must be a finite number, not %v", name, f)
		}
		r.buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	case js.TypeString:
		if n := jsObject.Invoke(v).Length(); n > r.maxBytes { // a String wrapper: its length without a copy
			return fmt.Errorf("%s is %d characters long: a message is at most %d bytes of JSON", name, n, r.maxBytes)
		}
		b, _ := json.Marshal(v.String())
		r.buf.Write(b)
	case js.TypeObject:
		if jsArrayIsArray.Invoke(v).Bool() {
			return r.array(v, name)
		}
		if !isPlainObject(v) {
			return fmt.Errorf("%s must be a JSON value, not %s", name, describe(v))
		}
		return r.object(v, path)
	default:
		return fmt.Errorf("%s must be a JSON value, not a %s", name, t)
	}
	return nil
}

func (r *jsonReader) array(v js.Value, name string) error {
	n := v.Length()
	if left := r.maxValues - r.values; n > left {
		return fmt.Errorf("%s has %d items: a message holds at most %d values", name, n, r.maxValues)
	}
	r.buf.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			r.buf.WriteByte(',')
		}
		if err := r.value(v.Index(i), fmt.Sprintf("%s[%d]", name, i)); err != nil {
			return err
		}
	}
	r.buf.WriteByte(']')
	return nil
}

// object writes a plain object's own enumerable string-keyed properties in
// Object.keys order, leaving out those that are undefined (as
// JSON.stringify does).
func (r *jsonReader) object(v js.Value, path string) error {
	keys := jsObjectKeys.Invoke(v)
	n := keys.Length()
	if left := r.maxValues - r.values; n > left {
		name := path
		if name == "" {
			name = "the message"
		}
		return fmt.Errorf("%s has %d fields: a message holds at most %d values", name, n, r.maxValues)
	}
	r.buf.WriteByte('{')
	first := true
	for i := 0; i < n; i++ {
		k := keys.Index(i).String()
		fv := v.Get(k)
		if fv.IsUndefined() {
			continue
		}
		if !first {
			r.buf.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		r.buf.Write(kb)
		r.buf.WriteByte(':')
		if err := r.value(fv, field(path, k)); err != nil {
			return err
		}
	}
	r.buf.WriteByte('}')
	return nil
}

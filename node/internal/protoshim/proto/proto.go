// Package proto replaces github.com/golang/protobuf/proto in the
// playground's wasm build only (the Makefile's wasm target builds with a
// copy of go.mod that adds `replace github.com/golang/protobuf =>
// ./node/internal/protoshim`); native builds and tests use the real module.
//
// Why: raftpb and mvccpb are gogo-generated and carry their own Marshal and
// Unmarshal; they import the real package only to register their types and
// enums in its global registry, to format String(), and for one proto.Equal
// (raftpb.ConfChangeV2.LeaveJoint). The real package pulls in
// google.golang.org/protobuf's reflection, descriptors and text format:
// about 4 MB of app.wasm raw, 0.65 MB gzipped (measured: 16.36 MB / 3.62 MB
// gzip -9 with it, 12.42 MB / 2.97 MB with this package).
//
// Contract, per function those packages use:
//   - Marshal and Equal use the message's own generated Marshal; Equal is
//     true when both encode to the same bytes (gogo encodes deterministically,
//     and an empty repeated or nil bytes field encodes to nothing, which is
//     what LeaveJoint needs).
//   - EnumName and UnmarshalJSONEnum behave as the real ones.
//   - RegisterFile, RegisterEnum and RegisterType do nothing: nothing in the
//     playground looks types up by name.
//   - CompactTextString is for debugging only: the message's fields in Go
//     syntax, not the protobuf text format.
//
// Only the identifiers raftpb and mvccpb use exist; a dependency that needs
// more fails to compile the wasm, loudly.
package proto

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
)

// ProtoPackageIsVersion3 and 4 are the generated code's version assertions.
const (
	ProtoPackageIsVersion3 = true
	ProtoPackageIsVersion4 = true
)

// Message is a generated protobuf message (the real package's MessageV1).
type Message interface {
	Reset()
	String() string
	ProtoMessage()
}

type marshaler interface {
	Marshal() ([]byte, error)
}

type unmarshaler interface {
	Unmarshal([]byte) error
}

// Marshal encodes m with its generated Marshal method.
func Marshal(m Message) ([]byte, error) {
	mm, ok := m.(marshaler)
	if !ok {
		return nil, fmt.Errorf("proto: %T has no generated Marshal method", m)
	}
	return mm.Marshal()
}

// Equal reports whether x and y encode to the same bytes.
func Equal(x, y Message) bool {
	a, err := Marshal(x)
	if err != nil {
		return false
	}
	b, err := Marshal(y)
	return err == nil && bytes.Equal(a, b)
}

// CompactTextString formats m's fields (debugging only; see the package
// doc).
func CompactTextString(m Message) string {
	v := reflect.ValueOf(m)
	if !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		return "<nil>"
	}
	v = reflect.Indirect(v)
	if _, ok := v.Interface().(fmt.Stringer); ok {
		return v.Type().String() // would call back into String
	}
	return fmt.Sprintf("%+v", v.Interface())
}

// EnumName is the name of v in m, or v in decimal when m has none.
func EnumName(m map[int32]string, v int32) string {
	if s, ok := m[v]; ok {
		return s
	}
	return fmt.Sprint(v)
}

// UnmarshalJSONEnum reads an enum from JSON: its name as a string, or its
// number.
func UnmarshalJSONEnum(m map[string]int32, data []byte, enumName string) (int32, error) {
	var name string
	if err := json.Unmarshal(data, &name); err == nil {
		v, ok := m[name]
		if !ok {
			return 0, fmt.Errorf("unrecognized enum %s value %q", enumName, name)
		}
		return v, nil
	}
	var v int32
	if err := json.Unmarshal(data, &v); err != nil {
		return 0, fmt.Errorf("cannot unmarshal %q into enum %s", data, enumName)
	}
	return v, nil
}

// RegisterFile, RegisterEnum and RegisterType do nothing (see the package
// doc).
func RegisterFile(string, []byte)                             {}
func RegisterEnum(string, map[int32]string, map[string]int32) {}
func RegisterType(Message, string)                            {}

// InternalMessageInfo backs the generated XXX_ methods.
type InternalMessageInfo struct{}

// DiscardUnknown does nothing: gogo messages here keep no unknown fields.
func (*InternalMessageInfo) DiscardUnknown(Message) {}

// Merge merges src into dst as decoding src's encoding into dst would.
func (*InternalMessageInfo) Merge(dst, src Message) {
	b, err := Marshal(src)
	if err != nil {
		return
	}
	if u, ok := dst.(unmarshaler); ok {
		_ = u.Unmarshal(b) // b came from a valid message
	}
}

// Marshal appends m's encoding to b.
func (*InternalMessageInfo) Marshal(b []byte, m Message, _ bool) ([]byte, error) {
	p, err := Marshal(m)
	return append(b, p...), err
}

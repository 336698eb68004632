// Package proto replaces github.com/gogo/protobuf/proto in the playground's
// wasm build only (the Makefile's wasm target builds with a copy of go.mod
// that adds `replace github.com/gogo/protobuf => ./node/internal/gogoshim`);
// native builds and tests use the real module.
//
// Why: raftpb calls one function of it, Equal (raftpb.ConfChangeV2.LeaveJoint
// compares a change with the empty one), and raftpb and mvccpb import
// gogoproto for its side effects; the real package and gogoproto's
// descriptors cost about 1 MB of app.wasm's code (measured: 17.66 MB /
// 4.07 MB gzip -9 with them, 15.73 MB / 3.74 MB with this module).
//
// Contract: Equal is true when both messages encode to the same bytes with
// their own generated Marshal (gogo encodes deterministically, and an empty
// repeated or nil bytes field encodes to nothing, which is what LeaveJoint
// needs), false when either cannot be encoded. Only the identifiers raftpb
// uses exist: a dependency that needs more fails to compile the wasm,
// loudly.
package proto

import "bytes"

// Message is a generated protobuf message.
type Message interface {
	Reset()
	String() string
	ProtoMessage()
}

type marshaler interface {
	Marshal() ([]byte, error)
}

// Equal reports whether x and y encode to the same bytes.
func Equal(x, y Message) bool {
	mx, ok := x.(marshaler)
	if !ok {
		return false
	}
	my, ok := y.(marshaler)
	if !ok {
		return false
	}
	a, err := mx.Marshal()
	if err != nil {
		return false
	}
	b, err := my.Marshal()
	return err == nil && bytes.Equal(a, b)
}

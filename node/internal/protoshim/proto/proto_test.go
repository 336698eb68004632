package proto

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// msg is a message in the style of gogo's generated code: pointer-receiver
// String, its own deterministic Marshal (fields left out when empty) and
// Unmarshal.
type msg struct {
	N    uint64
	Tags []string
	Ctx  []byte
}

func (m *msg) Reset()         { *m = msg{} }
func (m *msg) String() string { return CompactTextString(m) }
func (*msg) ProtoMessage()    {}

func (m *msg) Marshal() ([]byte, error) {
	var b []byte
	if m.N != 0 {
		b = binary.AppendUvarint(append(b, 1), m.N)
	}
	for _, t := range m.Tags {
		b = append(binary.AppendUvarint(append(b, 2), uint64(len(t))), t...)
	}
	if m.Ctx != nil {
		b = append(binary.AppendUvarint(append(b, 3), uint64(len(m.Ctx))), m.Ctx...)
	}
	return b, nil
}

func (m *msg) Unmarshal(b []byte) error {
	for len(b) > 0 {
		tag := b[0]
		v, n := binary.Uvarint(b[1:])
		if n <= 0 {
			return errors.New("bad varint")
		}
		b = b[1+n:]
		switch tag {
		case 1:
			m.N = v
		case 2, 3:
			if uint64(len(b)) < v {
				return errors.New("short")
			}
			if tag == 2 {
				m.Tags = append(m.Tags, string(b[:v]))
			} else {
				m.Ctx = append([]byte{}, b[:v]...)
			}
			b = b[v:]
		}
	}
	return nil
}

// noMarshal is a message without generated Marshal.
type noMarshal struct{}

func (*noMarshal) Reset()         {}
func (*noMarshal) String() string { return "" }
func (*noMarshal) ProtoMessage()  {}

func TestEqual(t *testing.T) {
	for _, tc := range []struct {
		a, b *msg
		want bool
	}{
		{&msg{}, &msg{}, true},
		{&msg{Tags: []string{}}, &msg{}, true}, // empty and nil repeated fields encode alike (LeaveJoint)
		{&msg{N: 1}, &msg{}, false},
		{&msg{Tags: []string{"a"}}, &msg{Tags: []string{"a"}}, true},
		{&msg{Tags: []string{"a"}}, &msg{Tags: []string{"b"}}, false},
		{&msg{Ctx: []byte("x")}, &msg{}, false},
	} {
		if got := Equal(tc.a, tc.b); got != tc.want {
			t.Errorf("Equal(%v, %v) = %v", tc.a, tc.b, got)
		}
	}
	if Equal(&noMarshal{}, &noMarshal{}) {
		t.Error("messages that cannot be encoded compare equal")
	}
	if _, err := Marshal(&noMarshal{}); err == nil {
		t.Error("Marshal of a message without Marshal succeeded")
	}
}

func TestEnums(t *testing.T) {
	names := map[int32]string{0: "MsgHup", 3: "MsgApp"}
	values := map[string]int32{"MsgHup": 0, "MsgApp": 3}
	if got := EnumName(names, 3); got != "MsgApp" {
		t.Errorf("EnumName(3) = %q", got)
	}
	if got := EnumName(names, 42); got != "42" {
		t.Errorf("EnumName(42) = %q", got)
	}
	for in, want := range map[string]int32{`"MsgApp"`: 3, `3`: 3, `0`: 0} {
		if got, err := UnmarshalJSONEnum(values, []byte(in), "MessageType"); err != nil || got != want {
			t.Errorf("UnmarshalJSONEnum(%s) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{`"Nope"`, `true`, ``, `{`} {
		if _, err := UnmarshalJSONEnum(values, []byte(in), "MessageType"); err == nil {
			t.Errorf("UnmarshalJSONEnum(%q) accepted it", in)
		}
	}
}

func TestInternalMessageInfo(t *testing.T) {
	var info InternalMessageInfo
	dst := &msg{Tags: []string{"a"}}
	info.Merge(dst, &msg{N: 7, Tags: []string{"b"}})
	if dst.N != 7 || strings.Join(dst.Tags, ",") != "a,b" {
		t.Errorf("Merge gave %+v, want N 7 and tags a,b", *dst)
	}
	b, err := info.Marshal([]byte("prefix"), &msg{N: 1}, true)
	want, _ := (&msg{N: 1}).Marshal()
	if err != nil || string(b) != "prefix"+string(want) {
		t.Errorf("Marshal appended %q, %v", b, err)
	}
}

func TestCompactTextString(t *testing.T) {
	if got := (&msg{N: 5, Tags: []string{"x"}}).String(); !strings.Contains(got, "N:5") || !strings.Contains(got, "Tags:[x]") {
		t.Errorf("String() = %q", got)
	}
	if got := CompactTextString((*msg)(nil)); got != "<nil>" {
		t.Errorf("nil message: %q", got)
	}
}

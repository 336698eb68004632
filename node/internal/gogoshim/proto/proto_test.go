package proto

import (
	"errors"
	"testing"
)

// msg stands for a gogo-generated message: its own deterministic Marshal,
// empty fields left out.
type msg struct {
	tags []string
	bad  bool
}

func (m *msg) Reset()         { *m = msg{} }
func (m *msg) String() string { return "msg" }
func (*msg) ProtoMessage()    {}

func (m *msg) Marshal() ([]byte, error) {
	if m.bad {
		return nil, errors.New("cannot encode")
	}
	var b []byte
	for _, t := range m.tags {
		b = append(append(b, 1, byte(len(t))), t...)
	}
	return b, nil
}

// bare has no Marshal method.
type bare struct{}

func (bare) Reset()         {}
func (bare) String() string { return "bare" }
func (bare) ProtoMessage()  {}

func TestEqual(t *testing.T) {
	for _, c := range []struct {
		name string
		x, y Message
		want bool
	}{
		{"both empty", &msg{}, &msg{}, true},
		{"nil and empty repeated field encode alike", &msg{tags: []string{}}, &msg{}, true},
		{"same fields", &msg{tags: []string{"a", "b"}}, &msg{tags: []string{"a", "b"}}, true},
		{"different fields", &msg{tags: []string{"a"}}, &msg{}, false},
		{"order matters", &msg{tags: []string{"a", "b"}}, &msg{tags: []string{"b", "a"}}, false},
		{"x cannot encode", &msg{bad: true}, &msg{}, false},
		{"y cannot encode", &msg{}, &msg{bad: true}, false},
		{"no Marshal method", bare{}, bare{}, false},
	} {
		if got := Equal(c.x, c.y); got != c.want {
			t.Errorf("%s: Equal = %v, want %v", c.name, got, c.want)
		}
	}
}

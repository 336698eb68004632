package lincheck

import (
	"fmt"
	"hash/fnv"

	"github.com/anishathalye/porcupine"
)

// state is one key's register: its value, or absent, or (Unknown, for a
// history that does not start with the store: Options.UnknownInitial) not
// observed yet. Invariant: Value is "" when !Exists, and Exists is false
// when Unknown, so == is the model's equality.
type state struct {
	Value   string
	Exists  bool
	Unknown bool
}

// output is what porcupine sees as an operation's output.
type output struct {
	Output
	// Unknown: the operation failed or timed out; any outcome is allowed.
	Unknown bool
}

// kvModel is the porcupine model of one key, partitioned by key over the
// whole history.
var kvModel = porcupine.Model{
	Partition: partitionByKey,
	Init:      func() any { return state{} },
	Step: func(s, in, out any) (bool, any) {
		return step(s.(state), in.(Op), out.(output))
	},
	Equal: func(a, b any) bool { return a.(state) == b.(state) },
	Hash: func(s any) uint64 {
		st := s.(state)
		h := fnv.New64a()
		switch {
		case st.Exists:
			h.Write([]byte{1})
		case st.Unknown:
			h.Write([]byte{2})
		}
		h.Write([]byte(st.Value))
		return h.Sum64()
	},
	DescribeOperation: func(in, out any) string { return describe(in.(Op), out.(output)) },
	DescribeState: func(s any) string {
		switch st := s.(state); {
		case st.Exists:
			return fmt.Sprintf("%q", st.Value)
		case st.Unknown:
			return "(not observed yet)"
		}
		return "(absent)"
	},
}

// step is the sequential specification of one key.
func step(s state, op Op, out output) (bool, state) {
	switch op.Kind {
	case KindPut:
		return true, state{Value: op.Value, Exists: true}
	case KindDelete:
		if out.Unknown {
			return true, state{}
		}
		if s.Unknown {
			// The first observation: it existed iff one key was deleted.
			return out.Deleted == 0 || out.Deleted == 1, state{}
		}
		want := int64(0)
		if s.Exists {
			want = 1
		}
		return out.Deleted == want, state{}
	case KindGet:
		// Failed reads are left out of the history (see Recorder), so
		// an unknown read never reaches here; accept it anyway.
		if out.Unknown {
			return true, s
		}
		if s.Unknown {
			// The first observation fixes the unknown initial value.
			if !out.Found {
				return true, state{}
			}
			return true, state{Value: out.Value, Exists: true}
		}
		return out.Found == s.Exists && out.Value == s.Value, s
	}
	return false, s
}

func partitionByKey(history []porcupine.Operation) [][]porcupine.Operation {
	index := map[string]int{}
	var parts [][]porcupine.Operation
	for _, op := range history {
		key := op.Input.(Op).Key
		i, ok := index[key]
		if !ok {
			i = len(parts)
			index[key] = i
			parts = append(parts, nil)
		}
		parts[i] = append(parts[i], op)
	}
	return parts
}

func describe(op Op, out output) string {
	switch {
	case out.Unknown:
		if op.Kind == KindPut {
			return fmt.Sprintf("put(%q, %q) -> ?", op.Key, op.Value)
		}
		return fmt.Sprintf("%v(%q) -> ?", op.Kind, op.Key)
	case op.Kind == KindPut:
		return fmt.Sprintf("put(%q, %q)", op.Key, op.Value)
	case op.Kind == KindDelete:
		return fmt.Sprintf("delete(%q) -> %d", op.Key, out.Deleted)
	case out.Found:
		return fmt.Sprintf("get(%q) -> %q", op.Key, out.Value)
	default:
		return fmt.Sprintf("get(%q) -> absent", op.Key)
	}
}

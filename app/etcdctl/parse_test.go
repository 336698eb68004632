package etcdctl

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		line string
		want command
	}{
		{"put foo bar", command{kind: cmdPut, key: []byte("foo"), value: []byte("bar")}},
		{"etcdctl put foo bar", command{kind: cmdPut, key: []byte("foo"), value: []byte("bar")}},
		{`put "a key" 'it''s'`, command{kind: cmdPut, key: []byte("a key"), value: []byte("its")}},
		{`put k "say \"hi\" \\ \n"`, command{kind: cmdPut, key: []byte("k"), value: []byte(`say "hi" \ \n`)}},
		{`put bin $'\x00\xff\x7'`, command{kind: cmdPut, key: []byte("bin"), value: []byte{0, 0xff, 7}}},
		{`put $'a\'b\n' $'\t\\\q'`, command{kind: cmdPut, key: []byte("a'b\n"), value: []byte("\t\\\\q")}},
		{`put a$'\x41'b c`, command{kind: cmdPut, key: []byte("aAb"), value: []byte("c")}},
		{`put a\ b c`, command{kind: cmdPut, key: []byte("a b"), value: []byte("c")}},
		{`put k ""`, command{kind: cmdPut, key: []byte("k"), value: []byte{}}},
		{"put -- k --v", command{kind: cmdPut, key: []byte("k"), value: []byte("--v")}},
		{"put <img/src=x> v", command{kind: cmdPut, key: []byte("<img/src=x>"), value: []byte("v")}},
		{"get foo", command{kind: cmdGet, key: []byte("foo")}},
		{"get a c", command{kind: cmdGet, key: []byte("a"), end: []byte("c")}},
		{"get foo --prefix", command{kind: cmdGet, key: []byte("foo"), end: []byte("fop")}},
		{"get --prefix=true foo", command{kind: cmdGet, key: []byte("foo"), end: []byte("fop")}},
		{"get foo --prefix=false", command{kind: cmdGet, key: []byte("foo")}},
		{`get "" --prefix`, command{kind: cmdGet, key: []byte{0}, end: []byte{0}}},
		{"get b --from-key", command{kind: cmdGet, key: []byte("b"), end: []byte{0}}},
		{"get foo --rev=3 --limit 2 --keys-only", command{kind: cmdGet, key: []byte("foo"), rev: 3, limit: 2, keysOnly: true}},
		{"get foo --count-only --consistency=s", command{kind: cmdGet, key: []byte("foo"), count: true, serial: true}},
		{"get foo --print-value-only --hex", command{kind: cmdGet, key: []byte("foo"), valOnly: true, hex: true}},
		{"get foo --order=descend --sort-by MODIFY", command{kind: cmdGet, key: []byte("foo"), order: "DESCEND", sortBy: "MODIFY"}},
		{"get foo --endpoints=m3", command{kind: cmdGet, key: []byte("foo"), endpoint: "m3"}},
		{"del foo", command{kind: cmdDel, key: []byte("foo")}},
		{"delete foo --prefix --prev-kv", command{kind: cmdDel, key: []byte("foo"), end: []byte("fop"), prevKV: true}},
		{"del a z", command{kind: cmdDel, key: []byte("a"), end: []byte("z")}},
		{"endpoint status", command{kind: cmdEndpointStatus}},
		{"endpoint status --cluster -w table", command{kind: cmdEndpointStatus, table: true}},
		{"endpoint hashkv --write-out=table", command{kind: cmdEndpointHashKV, table: true}},
		{"member list", command{kind: cmdMemberList}},
		{"  member   list  -w simple ", command{kind: cmdMemberList}},
		{"help", command{kind: cmdHelp}},
		{"clear", command{kind: cmdClear}},
		{"compaction 42", command{kind: cmdCompaction, rev: 42}},
		{"compaction --physical 7", command{kind: cmdCompaction, rev: 7}},
	}
	for _, tt := range tests {
		got, err := parseCommand(tt.line)
		if err != nil {
			t.Errorf("parseCommand(%q): %v", tt.line, err)
			continue
		}
		if !equalCommand(got, tt.want) {
			t.Errorf("parseCommand(%q)\n got %+v\nwant %+v", tt.line, got, tt.want)
		}
	}
}

// equalCommand compares field by field; a nil end (one key) differs from an
// empty one.
func equalCommand(a, b command) bool { return reflect.DeepEqual(a, b) }

// Every malformed line is refused with a message that names the problem.
func TestParseCommandMalformed(t *testing.T) {
	tests := []struct{ line, wantErr string }{
		{"", "empty"},
		{"   ", "empty"},
		{"etcdctl", "empty"},
		{"frobnicate", `unknown command "frobnicate"`},
		{"put", "put command needs 2 arguments"},
		{"put k", "put command needs 2 arguments"},
		{"put k v extra", "put command needs 2 arguments"},
		{`put "" v`, "key is empty"},
		{"put k v --prefix", "unknown flag: --prefix"},
		{"get", "get command needs one argument"},
		{"get a b c", "get command needs one argument"},
		{"get '' ", "key is empty"},
		{"get k --bogus", "unknown flag: --bogus"},
		{"get k -prefix", "unknown flag: -prefix"},
		{"get k --p", "unknown flag: --p"},
		{"get k --rev", "flag needs an argument: --rev"},
		{"get k --rev=x", `invalid argument "x" for --rev`},
		{"get k --rev=-1", `invalid argument "-1" for --rev`},
		{"get k --limit=1.5", `invalid argument "1.5" for --limit`},
		{"get k --prefix=maybe", `invalid argument "maybe" for --prefix`},
		{"get k --prefix --prefix", "given twice"},
		{"get k --prefix --from-key", "cannot be set at the same time"},
		{"get a b --prefix", "too many arguments"},
		{"get k --consistency=x", `unknown consistency flag "x"`},
		{"get k --order=up", "bad sort order"},
		{"get k --sort-by=size", "bad sort target"},
		{"get k -w json", `unsupported output format "json"`},
		{"get k -w table", "-w table is supported by"},
		{"get k --endpoints=m1,m2", "one member at a time"},
		{"del", "del command needs one argument"},
		{"del k --keys-only", "unknown flag: --keys-only"},
		{"endpoint", "endpoint needs a subcommand"},
		{"endpoint health", `unknown command "health" for "endpoint"`},
		{"endpoint status extra", `unexpected argument "extra"`},
		{"compaction", "compaction command needs 1 argument"},
		{"compaction 0", `bad revision "0"`},
		{"compaction x", `bad revision "x"`},
		{"compaction 5 6", "compaction command needs 1 argument"},
		{"member add m6", `member needs the subcommand "list"`},
		{`put "k v`, `unterminated " quote`},
		{`put 'k v`, "unterminated ' quote"},
		{`put k v\`, "trailing backslash"},
		{`put k $'abc`, "unterminated $' quote"},
		{`put k $'\xzz'`, `\x needs hex digits`},
	}
	for _, tt := range tests {
		_, err := parseCommand(tt.line)
		if err == nil {
			t.Errorf("parseCommand(%q) = nil error, want %q", tt.line, tt.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("parseCommand(%q) error %q, want it to contain %q", tt.line, err, tt.wantErr)
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	tests := []struct{ in, want string }{
		{"foo", "fop"},
		{"a\xff", "b"},
		{"a\xff\xff", "b"},
		{"\xff\xff", "\x00"},
		{"", "\x00"},
	}
	for _, tt := range tests {
		if got := string(PrefixEnd([]byte(tt.in))); got != tt.want {
			t.Errorf("PrefixEnd(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"put a b", `get "x" --prefix --rev=2`, "del 'q", `put \`, "endpoint status -w table"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, err := parseCommand(line) // must never panic
		if err == nil && (c.kind == cmdGet || c.kind == cmdDel || c.kind == cmdPut) && len(c.key) == 0 {
			t.Fatalf("parseCommand(%q) accepted an empty key", line)
		}
	})
}

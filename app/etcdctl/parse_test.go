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
		{"get foo --endpoints=m3", command{kind: cmdGet, key: []byte("foo"), endpoints: []string{"m3"}}},
		{"get foo --endpoints=etcd-1,http://etcd-2:2379", command{kind: cmdGet, key: []byte("foo"), endpoints: []string{"etcd-1", "http://etcd-2:2379"}}},
		{"put k v extra", command{kind: cmdPut, key: []byte("k"), value: []byte("v")}},
		{"put k v --prev-kv --lease=1f", command{kind: cmdPut, key: []byte("k"), value: []byte("v"), prevKV: true, lease: 0x1f}},
		{"put k --ignore-value", command{kind: cmdPut, key: []byte("k"), ignoreValue: true}},
		{"get k -w json", command{kind: cmdGet, key: []byte("k"), write: "json"}},
		{"del a z --range", command{kind: cmdDel, key: []byte("a"), end: []byte("z")}},
		{"lease grant 60", command{kind: cmdLeaseGrant, ttl: 60}},
		{"lease timetolive 7f --keys", command{kind: cmdLeaseTimeToLive, lease: 0x7f, leaseKeys: true}},
		{"lease keep-alive --once 7f", command{kind: cmdLeaseKeepAlive, lease: 0x7f, once: true}},
		{"move-leader ce786f9f2a767f68", command{kind: cmdMoveLeader, target: 0xce786f9f2a767f68}},
		{"endpoint health --cluster -w json", command{kind: cmdEndpointHealth, cluster: true, write: "json"}},
		{"del foo", command{kind: cmdDel, key: []byte("foo")}},
		{"delete foo --prefix --prev-kv", command{kind: cmdDel, key: []byte("foo"), end: []byte("fop"), prevKV: true}},
		{"del a z", command{kind: cmdDel, key: []byte("a"), end: []byte("z"), warnRange: true}},
		{"endpoint status", command{kind: cmdEndpointStatus}},
		{"endpoint status --cluster -w table", command{kind: cmdEndpointStatus, cluster: true, write: "table"}},
		{"endpoint hashkv --write-out=table", command{kind: cmdEndpointHashKV, write: "table"}},
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
// empty one. A want without an output format means the default, simple.
func equalCommand(a, b command) bool {
	if b.write == "" {
		b.write = "simple"
	}
	return reflect.DeepEqual(a, b)
}

// Every malformed line is refused with a message that names the problem.
func TestParseCommandMalformed(t *testing.T) {
	tests := []struct{ line, wantErr string }{
		{"", "empty"},
		{"   ", "empty"},
		{"etcdctl", "empty"},
		{"frobnicate", `unknown command "frobnicate"`},
		{"put", "put command needs 1 argument and input from stdin or 2 arguments"},
		{"put k", "put command needs 1 argument and input from stdin or 2 arguments"},
		{"put k v --ignore-value", "put command needs only 1 argument when 'ignore-value' is set"},
		{"put k v --lease=zz", `bad lease ID (strconv.ParseInt: parsing "zz": invalid syntax), expecting ID in Hex`},
		{"put k v --prefix", "unknown flag: --prefix"},
		{"get", "get command needs one argument"},
		{"get a b c", "get command needs one argument"},
		{"get k --bogus", "unknown flag: --bogus"},
		{"get k -prefix", "unknown flag: -prefix"},
		{"get k --p", "unknown flag: --p"},
		{"get k --rev", "flag needs an argument: --rev"},
		{"get k --rev=x", `invalid argument "x" for "--rev" flag`},
		{"get k --limit=1.5", `invalid argument "1.5" for "--limit" flag`},
		{"get k --prefix=maybe", `invalid argument "maybe" for "--prefix" flag`},
		{"get k --keys-only --count-only", "`--keys-only` and `--count-only` cannot be set at the same time, choose one"},
		{"get k --prefix --from-key", "cannot be set at the same time"},
		{"get a b --prefix", "too many arguments"},
		{"get k --consistency=x", `unknown consistency flag "x"`},
		{"get k --order=up", "bad sort order"},
		{"get k --sort-by=size", "bad sort target"},
		{"get k -w yaml", "unsupported output format"},
		{"del", "del command needs one argument"},
		{"del k --keys-only", "unknown flag: --keys-only"},
		{"endpoint", "endpoint needs a subcommand"},
		{"endpoint frob", `unknown command "frob" for "etcdctl endpoint"`},
		{"lease grant", "lease grant command needs TTL argument"},
		{"lease grant abc", `bad TTL (strconv.ParseInt: parsing "abc": invalid syntax)`},
		{"lease revoke", "lease revoke command needs 1 argument"},
		{"lease timetolive", "lease timetolive command needs lease ID as argument"},
		{"lease keep-alive xyz", "bad lease ID arg (strconv.ParseInt: parsing \"xyz\": invalid syntax), expecting ID in Hex"},
		{"move-leader", "move-leader command needs 1 argument"},
		{"txn extra", "txn command does not accept argument"},
		{"alarm list x", "alarm list command accepts no arguments"},
		{"watch foo", "watch is not available in the console yet"},
		{"snapshot save x", "snapshot: "},
		{"endpoint status extra", `unexpected argument "extra"`},
		{"compaction", "compaction command needs 1 argument"},
		{"compaction x", `strconv.ParseInt: parsing "x": invalid syntax`},
		{"compaction 5 6", "compaction command needs 1 argument"},
		{"member add m6", "member add: the playground's membership is fixed"},
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
		if err == nil && c.kind == cmdPut && !c.ignoreValue && c.value == nil {
			t.Fatalf("parseCommand(%q) accepted a put without a value", line)
		}
		More(line + "\n" + line) // must never panic either
	})
}

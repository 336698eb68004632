//go:build browser

package e2e

import (
	"strings"
	"testing"
	"time"
)

// etcdctl-style commands in the console, and clear errors for malformed ones
// (etcdctl 3.6's: get --count-only needs -w fields; endpoint status lists
// the endpoints asked, all with --cluster; members have etcd's IDs).
func TestConsole(t *testing.T) {
	tb := newTab(t, 90*time.Second)
	tb.waitLeader()

	ok := func(line, want string) {
		t.Helper()
		status, out := tb.consoleRun(line)
		if status != "ok" || out != want {
			t.Errorf("%s: status %s, output %q, want %q", line, status, out, want)
		}
	}
	ok("put foo bar", "OK")
	ok(`put "foo two" 'second value'`, "OK")
	ok("get foo", "foo\nbar")
	ok("get foo --prefix --keys-only", "foo\n\nfoo two\n")
	ok("get foo --prefix --print-value-only", "bar\nsecond value")
	ok("get foo --prefix --limit=1", "foo\nbar")
	ok("get foo --rev=1", "")
	ok("get foo --endpoints=3 --consistency=s", "foo\nbar")
	ok("del foo --prefix", "2")
	ok("get foo --prefix", "")
	ok("compaction 3", "compacted revision 3")
	if status, out := tb.consoleRun("get foo --rev=2"); status != "error" || !strings.Contains(out, "required revision has been compacted") {
		t.Errorf("get below the compaction: %s %q", status, out)
	}

	status, out := tb.consoleRun("endpoint status --cluster")
	if status != "ok" || strings.Count(out, "\n") != 4 || !strings.Contains(out, ", true, false, ") {
		t.Errorf("endpoint status: %s %q", status, out)
	}
	status, out = tb.consoleRun("member list -w table")
	if status != "ok" || !strings.Contains(out, "|        ID        | STATUS  |") || strings.Count(out, "started") != 5 {
		t.Errorf("member list -w table: %s %q", status, out)
	}

	for _, bad := range []struct{ line, want string }{
		{"get", "get command needs one argument"},
		{"put onlykey", "put command needs 1 argument and input from stdin or 2 arguments"},
		{"get foo --prefix --count-only", "--count-only is only for `--write-out=fields`"},
		{"get foo --bogus", "unknown flag: --bogus"},
		{"get foo --rev=abc", `invalid argument "abc" for "--rev" flag`},
		{"frobnicate", `unknown command "frobnicate"`},
		{`put "unterminated`, "unterminated"},
		{"get foo --endpoints=m9", `unknown endpoint "m9"`},
		{"get foo --rev=999999", "future revision"},
	} {
		status, out := tb.consoleRun(bad.line)
		if status != "error" || !strings.HasPrefix(out, "Error: ") || !strings.Contains(out, bad.want) {
			t.Errorf("%s: status %s, output %q, want an error containing %q", bad.line, status, out, bad.want)
		}
	}
}

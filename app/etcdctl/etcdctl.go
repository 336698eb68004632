// Package etcdctl is the console's etcdctl emulator: it parses etcdctl (v3)
// command lines, runs them against an engine.Engine and prints the results
// as etcdctl prints them. It imports neither go-app nor syscall/js, so it is
// tested natively; the page's console component (app, console.go) owns the
// input field, the history and the output list, and calls this package.
//
// Use: collect an entry's lines while More says it needs more (a txn reads
// its compares and requests from the lines after it), Parse the entry,
// then Run the Command on the member the console talks to. Run writes the
// output as lines to an Output as the command prints them; a long-running
// command (lease keep-alive) writes as its results arrive and returns when
// ctx is done, so a caller that shows lines as they are written streams it.
//
// What etcdctl shows of members uses etcd's IDs and (fictional) URLs,
// derived from the member numbers (memberid.go).
//
// Files: parse.go (a line to a command), txn.go (a txn's lines), exec.go
// and lease.go (a command to engine calls), format.go, json.go, fields.go
// (etcdctl's simple, table, json and fields writers, the help text),
// bytes.go (how keys, values and sizes are printed), memberid.go.
package etcdctl

import (
	"context"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"
)

// Command is one parsed console line, ready to run. The zero value is not
// a command; get one from Parse.
type Command struct{ c command }

// Parse parses one console entry: a command line, and for a txn the lines
// entered after it (joined by "\n"; see More). A blank line gives
// ErrEmpty; any other error is one line, phrased as etcdctl phrases it
// where it has an equivalent (show it with ErrorLine).
func Parse(line string) (Command, error) {
	c, err := parseCommand(line)
	return Command{c}, err
}

// Clear reports whether the line's command word was "clear": not an etcdctl
// command, the console empties its output itself and runs nothing. It holds
// also when Parse refused the line's flags or arguments ("clear now").
func (c Command) Clear() bool { return c.c.kind == cmdClear }

// Output receives a command's output, one or more complete lines per call
// (no line holds "\n"; a line may be empty). Run calls Print from its own
// goroutine, never after it returned; Print may keep the slice.
type Output interface {
	Print(lines ...string)
}

// Run runs the command on member (or on the member its --endpoints flag
// names) and writes its output to out. Commands that ask the cluster block
// until it answers or ctx is done, so an interactive caller runs them in a
// goroutine of its own. On error Run returns it (show it with ErrorLine,
// after what the command printed: etcdctl prints some lines before it
// fails, as an interactive txn's prompts or endpoint status's reachable
// members); ErrFailed means the command printed why itself (show no error
// line). A command with no output (a get that found no keys) writes
// nothing and returns nil.
func (c Command) Run(ctx context.Context, eng engine.Engine, member uint64, out Output) error {
	return runCommand(ctx, eng, member, c.c, out)
}

// ErrOutput is an Output that keeps apart what etcdctl prints on its
// standard error (warnings, an unreachable endpoint's line): Run prints
// those with PrintErr when its Output is one, else with Print, in order.
type ErrOutput interface {
	Output
	PrintErr(lines ...string)
}

// ErrorLine is err as etcdctl reports a failed command: "Error: " and the
// message.
func ErrorLine(err error) string { return "Error: " + err.Error() }

// Lines is an Output that keeps every line written to it.
type Lines []string

// Print appends lines.
func (l *Lines) Print(lines ...string) { *l = append(*l, lines...) }

// String is the output as a terminal shows it: the lines separated by "\n".
func (l Lines) String() string { return strings.Join(l, "\n") }

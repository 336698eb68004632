// Package etcdctl is the console's etcdctl emulator: it parses etcdctl (v3)
// command lines, runs them against an engine.Engine and prints the results
// as etcdctl prints them. It imports neither go-app nor syscall/js, so it is
// tested natively; the page's console component (app, console.go) owns the
// input field, the history and the output list, and calls this package.
//
// Use: Parse a line, then Run the Command on the member the console talks
// to. Run writes the output as lines to an Output; a command that prints
// once (every command today) writes once and returns. A long-running
// command (a watch) writes as its results arrive and returns when ctx is
// done, so a caller that shows lines as they are written streams it.
// Every command today is one line; one that reads more lines (txn's
// compares and operations) would get them through a session that collects
// lines until the command is complete, before Run.
//
// Files: parse.go (a line to a command), exec.go (a command to engine
// calls), format.go (etcdctl's simple and table output, the help text),
// bytes.go (how keys, values and sizes are printed).
package etcdctl

import (
	"context"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"
)

// Command is one parsed console line, ready to run. The zero value is not
// a command; get one from Parse.
type Command struct{ c command }

// Parse parses one console line. A blank line gives ErrEmpty; any other
// error is one line, phrased as etcdctl phrases it where it has an
// equivalent (show it with ErrorLine).
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
// goroutine of its own. On error Run writes nothing and returns the error
// (show it with ErrorLine); a command with no output (a get that found no
// keys) writes nothing and returns nil.
func (c Command) Run(ctx context.Context, eng engine.Engine, member uint64, out Output) error {
	s, err := runCommand(ctx, eng, member, c.c)
	if err != nil {
		return err
	}
	if s != "" {
		out.Print(strings.Split(s, "\n")...)
	}
	return nil
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

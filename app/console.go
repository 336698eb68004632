package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/etcd-play/etcd-play/app/etcdctl"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The console: etcdctl-style command lines, parsed, run against the chosen
// client member and printed as etcdctl prints them by the etcdctl package;
// this component holds the input, the history and the output list. Up and
// Down recall earlier lines; "clear" empties the output.
//
// A command's output is kept whole: the lines it prints are collected in its
// goroutine and shown, capped at maxConsoleLines, when it returns. (A
// streaming command would dispatch each Print instead.)
//
// Order: the input comes first and the output lists entries newest first,
// so the answer to the line just run is always right under the input, as
// in the key panel's results and the event log (every panel that answers
// puts its control first and its newest answer right under it).
//
// The input: c.input mirrors the field (OnInput). go-app (v10.1.10) cannot
// empty a field by rendering Value(""): an empty value drops the attribute,
// and removing the attribute leaves the typed text in the field (its
// property). Whatever sets c.input itself (Enter, Up, Down) therefore also
// writes the field, through setConsoleInput; that also covers a line typed
// and submitted within one frame, which no render saw.

// errNotRunning answers a line run while there is no engine.
var errNotRunning = errors.New("the cluster is not running")

type consoleState struct {
	input   string
	entries []consoleEntry // oldest first
	history []string
	histPos int // index into history while browsing with Up/Down; len(history) when not
	seq     int
}

const (
	maxConsoleEntries = 100
	maxConsoleLines   = 400 // output lines kept per command
)

// capLines keeps the first n lines of s and says how many it left out.
func capLines(s string, n int) string {
	idx := 0
	for i := 0; i < n; i++ {
		j := strings.IndexByte(s[idx:], '\n')
		if j < 0 {
			return s
		}
		idx += j + 1
	}
	rest := strings.Count(s[idx:], "\n") + 1
	return s[:idx] + fmt.Sprintf("… %d more lines not shown", rest)
}

type consoleEntry struct {
	seq     int
	line    string
	out     string
	failed  bool
	pending bool
}

// runConsole parses and runs the current input line. UI goroutine.
func (p *playground) runConsole(ctx app.Context) {
	c := &p.console
	line := c.input
	p.setConsoleInput("")
	p.consoleRev++
	cmd, err := etcdctl.Parse(line)
	if err == etcdctl.ErrEmpty {
		return
	}
	c.history = append(c.history, line)
	if cmd.Clear() {
		c.entries = nil
		return
	}
	c.histPos = len(c.history)
	c.seq++
	seq := c.seq
	e := consoleEntry{seq: seq, line: line}
	switch {
	case err != nil:
		e.out, e.failed = etcdctl.ErrorLine(err), true
	case p.eng == nil:
		e.out, e.failed = etcdctl.ErrorLine(errNotRunning), true
	default:
		e.pending = true
		eng, member := p.eng, p.client
		ctx = p.lasting(ctx) // see lasting
		ctx.Async(func() {
			var out etcdctl.Lines
			err := cmd.Run(context.Context(ctx), eng, member, &out)
			ctx.Dispatch(func(ctx app.Context) {
				p.consoleRev++
				for i := range p.console.entries {
					en := &p.console.entries[i]
					if en.seq != seq {
						continue
					}
					en.pending = false
					if err != nil {
						en.out, en.failed = etcdctl.ErrorLine(err), true
					} else {
						en.out = capLines(out.String(), maxConsoleLines)
					}
				}
			})
		})
	}
	c.entries = append(c.entries, e)
	if over := len(c.entries) - maxConsoleEntries; over > 0 {
		c.entries = append(c.entries[:0], c.entries[over:]...)
	}
}

// setConsoleInput sets the console's input line and writes it into the
// field at once (see the comment at the top). UI goroutine.
func (p *playground) setConsoleInput(line string) {
	p.console.input = line
	if el := app.Window().GetElementByID("console-input"); el.Truthy() {
		el.Set("value", line)
	}
}

func (p *playground) consoleKey(ctx app.Context, e app.Event) {
	c := &p.console
	switch e.Get("key").String() {
	case "ArrowUp":
		if c.histPos > 0 {
			c.histPos--
			p.setConsoleInput(c.history[c.histPos])
			e.PreventDefault()
		}
	case "ArrowDown":
		if c.histPos < len(c.history) {
			c.histPos++
			line := ""
			if c.histPos < len(c.history) {
				line = c.history[c.histPos]
			}
			p.setConsoleInput(line)
			e.PreventDefault()
		}
	}
}

func (p *playground) renderConsole() app.UI {
	c := p.console
	return app.Section().Class("panel console").Aria("labelledby", "console-h").Body(
		app.H2().ID("console-h").Text("Console"),
		p.renderConsoleForm(),
		app.If(len(c.entries) > 0, func() app.UI {
			return app.P().Class("order").Text("Output, newest first")
		}),
		app.Div().Class("console-output").Role("log").Aria("live", "polite").Aria("label", "console output, newest first").
			TabIndex(0). // it scrolls: keyboard users reach it (axe scrollable-region-focusable)
			Body(
				app.If(len(c.entries) == 0, func() app.UI {
					return app.P().Class("muted").Text(`Type etcdctl commands, e.g. put greeting hello, get greeting, get "" --prefix --keys-only, endpoint status -w table. "help" lists them.`)
				}),
				app.Range(c.entries).Slice(func(i int) app.UI {
					en := c.entries[len(c.entries)-1-i] // newest first
					status := "ok"
					switch {
					case en.pending:
						status = "pending"
					case en.failed:
						status = "error"
					}
					out := en.out
					if en.pending {
						out = "…"
					}
					return app.Div().Class("console-entry "+status).DataSet("seq", en.seq).DataSet("status", status).Body(
						app.Pre().Class("cmd").Text("$ etcdctl "+en.line),
						app.Pre().Class("out").Text(out),
					)
				}),
			),
	)
}

func (p *playground) renderConsoleForm() app.UI {
	c := p.console
	return app.Form().Class("console-form").
		OnSubmit(func(ctx app.Context, e app.Event) { e.PreventDefault(); p.runConsole(ctx) }).
		Body(
			app.Label().For("console-input").Text("etcdctl"),
			app.Input().ID("console-input").Type("text").Value(c.input).AutoComplete(false).Spellcheck(false).
				Placeholder("get --prefix \"\"").
				OnInput(func(ctx app.Context, e app.Event) { p.console.input = inputValue(ctx) }).
				OnKeyDown(p.consoleKey),
			app.Button().Type("submit").DataSet("action", "run").Text("Run"),
		)
}

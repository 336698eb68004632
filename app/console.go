package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/etcd-play/etcd-play/app/etcdctl"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The console: etcdctl-style command lines, parsed, run against the chosen
// client member and printed as etcdctl prints them by the etcdctl package;
// this component holds the input, the history and the output list. Up and
// Down recall earlier lines; "clear" empties the output.
//
// A command's output shows as it prints it (a lease keep-alive streams
// until stopped with Ctrl-C or its Stop button), capped at maxConsoleLines.
// A txn reads the lines entered after it (one per Enter) until they
// complete it (etcdctl.More); its entry says data-status="input" meanwhile.
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
	stops   map[int]context.CancelFunc // running commands by entry seq
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

// consoleEntry is one command: its lines (a txn's following lines
// included, joined by "\n"), and its output. An entry still reading lines
// (input) shows the prompts etcdctl printed so far; a running one
// (pending) shows what the command printed so far (a keep-alive streams).
type consoleEntry struct {
	seq     int
	line    string
	out     string
	failed  bool
	pending bool
	input   bool
}

func (e consoleEntry) status() string {
	switch {
	case e.input:
		return "input"
	case e.pending:
		return "pending"
	case e.failed:
		return "error"
	}
	return "ok"
}

// runConsole takes the current input line: a new command, or the next line
// of the newest entry while it reads lines (a txn's compares and
// requests). UI goroutine.
func (p *playground) runConsole(ctx app.Context) {
	c := &p.console
	line := c.input
	p.setConsoleInput("")
	p.consoleRev++
	if n := len(c.entries); n > 0 && c.entries[n-1].input {
		e := &c.entries[n-1]
		e.line += "\n" + line
		if more, prompt := etcdctl.More(e.line); more {
			if prompt != "" && !strings.HasSuffix(e.out, prompt) {
				e.out = strings.TrimPrefix(e.out+"\n"+prompt, "\n")
			}
			return
		}
		e.input = false
		p.startConsoleCommand(ctx, e)
		return
	}
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
	c.entries = append(c.entries, consoleEntry{seq: c.seq, line: line})
	if over := len(c.entries) - maxConsoleEntries; over > 0 {
		c.entries = append(c.entries[:0], c.entries[over:]...)
	}
	e := &c.entries[len(c.entries)-1]
	if more, prompt := etcdctl.More(line); err == nil && more {
		e.input, e.out = true, prompt
		return
	}
	p.startConsoleCommand(ctx, e)
}

// startConsoleCommand parses and runs e's lines. Its output shows as it is
// printed; the entry is pending until the command returns (Ctrl-C in the
// input, or the entry's Stop button, stops it). UI goroutine.
func (p *playground) startConsoleCommand(ctx app.Context, e *consoleEntry) {
	cmd, err := etcdctl.Parse(e.line)
	switch {
	case err != nil:
		e.out, e.failed = errorText(err), true
		return
	case p.eng == nil:
		e.out, e.failed = etcdctl.ErrorLine(errNotRunning), true
		return
	}
	e.out, e.pending = "", true // an interactive txn prints its prompts again
	seq := e.seq
	eng, member := p.eng, p.client
	ctx = p.lasting(ctx) // see lasting
	runCtx, stop := context.WithCancel(context.Context(ctx))
	if p.console.stops == nil {
		p.console.stops = map[int]context.CancelFunc{}
	}
	p.console.stops[seq] = stop
	update := func(f func(en *consoleEntry)) {
		ctx.Dispatch(func(ctx app.Context) {
			p.consoleRev++
			for i := range p.console.entries {
				if en := &p.console.entries[i]; en.seq == seq {
					f(en)
				}
			}
		})
	}
	ctx.Async(func() {
		out := &consoleOutput{}
		out.show = func() { update(func(en *consoleEntry) { en.out = out.text() }) }
		err := cmd.Run(runCtx, eng, member, out)
		stop()
		text := out.text()
		update(func(en *consoleEntry) {
			delete(p.console.stops, seq)
			en.pending = false
			en.out = text
			if err != nil {
				en.failed = true
				if err != etcdctl.ErrFailed {
					en.out = strings.TrimPrefix(text+"\n"+errorText(err), "\n")
				}
			}
		})
	})
}

// errorText is err as etcdctl shows it: the error line, then the usage
// text it prints after a flag it cannot parse.
func errorText(err error) string {
	s := etcdctl.ErrorLine(err)
	if u := etcdctl.Usage(err); u != nil {
		s += "\n" + strings.Join(u, "\n")
	}
	return strings.TrimSuffix(s, "\n")
}

// stopConsole stops the newest running command (Ctrl-C). UI goroutine.
func (p *playground) stopConsole(seq int) {
	if stop := p.console.stops[seq]; stop != nil {
		stop()
	}
}

// consoleOutput collects a running command's lines, capped at
// maxConsoleLines (a stream keeps its newest), and shows them as they come
// without asking the page for more than it draws: Print, on the command's
// goroutine, only appends, and schedules one show when none is pending;
// the show (on the UI goroutine) takes the text then. A watch printing
// thousands of events a second thus costs one join and one redraw per
// pass of the UI goroutine, not one per line.
type consoleOutput struct {
	mu      sync.Mutex
	lines   []string // the newest lines; up to twice maxConsoleLines between trims
	dropped int
	pending bool   // a show is scheduled and has not taken the text yet
	show    func() // schedules a show (which calls text)
}

func (o *consoleOutput) Print(lines ...string) {
	o.mu.Lock()
	o.lines = append(o.lines, lines...)
	if len(o.lines) > 2*maxConsoleLines {
		o.trim()
	}
	schedule := !o.pending
	o.pending = true
	o.mu.Unlock()
	if schedule {
		o.show()
	}
}

// trim keeps the newest maxConsoleLines lines. o.mu held.
func (o *consoleOutput) trim() {
	if over := len(o.lines) - maxConsoleLines; over > 0 {
		o.lines = append(o.lines[:0], o.lines[over:]...)
		o.dropped += over
	}
}

// text is the output as shown; it marks the scheduled show as done.
func (o *consoleOutput) text() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pending = false
	o.trim()
	s := strings.Join(o.lines, "\n")
	if o.dropped > 0 {
		s = fmt.Sprintf("… %d earlier lines not shown\n", o.dropped) + s
	}
	return s
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
	if e.Get("ctrlKey").Bool() && e.Get("key").String() == "c" && c.input == "" {
		// Ctrl-C with nothing typed: stop the newest running command, or
		// abandon the lines of one still reading them.
		for i := len(c.entries) - 1; i >= 0; i-- {
			en := &c.entries[i]
			if en.input {
				en.input, en.failed = false, true
				en.out = strings.TrimPrefix(en.out+"\n^C", "\n")
				p.consoleRev++
				e.PreventDefault()
				return
			}
			if en.pending {
				p.stopConsole(en.seq)
				e.PreventDefault()
				return
			}
		}
		return
	}
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
					status := en.status()
					out := en.out
					if en.pending && out == "" {
						out = "…"
					}
					seq := en.seq
					return app.Div().Class("console-entry "+status).DataSet("seq", en.seq).DataSet("status", status).Body(
						app.Pre().Class("cmd").Text("$ etcdctl "+en.line),
						app.Pre().Class("out").Text(out),
						app.If(en.pending, func() app.UI {
							return app.Button().Type("button").Class("console-stop").DataSet("action", "console-stop").DataSet("seq", seq).
								Aria("label", fmt.Sprintf("stop command %d", seq)).Text("Stop").
								OnClick(func(ctx app.Context, e app.Event) { p.stopConsole(seq) }, app.EventScope(fmt.Sprint("console-stop ", seq)))
						}),
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

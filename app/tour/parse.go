package tour

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxSize bounds a tour's text (bytes): Parse refuses a longer one.
const MaxSize = 64 << 10

// Error is a malformed tour: the tour's name (or the name Parse was given
// while the tour's own is not known yet), the 1-based line and what is
// wrong there. Line is 0 for what concerns the whole tour.
type Error struct {
	Tour string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("tour %s: %s", e.Tour, e.Msg)
	}
	return fmt.Sprintf("tour %s, line %d: %s", e.Tour, e.Line, e.Msg)
}

var nameRE = regexp.MustCompile(`^[a-z0-9-]+$`)

// Parse reads one tour in the format doc.go describes. source names it in
// errors until its `tour` line gives its name (a file name, a URL). It is
// strict: an unknown directive, action or condition, a step without text,
// a second `tour` or `title`, two steps with the same title, text outside
// a step where only a step's belongs, and a tour over MaxSize bytes are
// errors naming the line.
func Parse(source string, data []byte) (*Tour, error) {
	p := parser{t: &Tour{}, source: source}
	if len(data) > MaxSize {
		// Callers may stop reading at MaxSize+1 bytes: the size is not said.
		return nil, p.fail(0, "it is over the %d bytes a tour may have", MaxSize)
	}
	if !utf8.Valid(data) {
		return nil, p.fail(0, "it is not UTF-8 text")
	}
	for i, raw := range strings.Split(string(data), "\n") {
		if err := p.line(i+1, raw); err != nil {
			return nil, err
		}
	}
	return p.finish()
}

type parser struct {
	t      *Tour
	source string
	step   *Step // the step being read (nil before the first)
	titles map[string]int
}

func (p *parser) fail(line int, format string, args ...any) *Error {
	name := p.t.Name
	if name == "" {
		name = p.source
	}
	return &Error{Tour: name, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// stripComment cuts a comment off a line: a `#` that starts the line or
// follows a space or tab, and is followed by a space, a tab or the line's
// end. So "say see #5" and "say a#b" keep their `#`.
func stripComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] != '#' || (i > 0 && s[i-1] != ' ' && s[i-1] != '\t') {
			continue
		}
		if i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t' {
			return s[:i]
		}
	}
	return s
}

func (p *parser) line(n int, raw string) error {
	s := strings.TrimSpace(stripComment(strings.TrimSuffix(raw, "\r")))
	if s == "" {
		return nil
	}
	dir, rest, _ := strings.Cut(s, " ")
	dir, rest = strings.TrimSpace(strings.TrimRight(dir, "\t")), strings.TrimSpace(rest)
	if d, r, ok := strings.Cut(dir, "\t"); ok { // a tab after the directive
		dir, rest = d, strings.TrimSpace(r+" "+rest)
	}
	need := func(what string) error {
		if rest == "" {
			return p.fail(n, "%s needs %s", dir, what)
		}
		return nil
	}
	inStep := func() error {
		if p.step == nil {
			return p.fail(n, "%s belongs to a step: write a `step TITLE` line first", dir)
		}
		return nil
	}
	switch dir {
	case "tour":
		if p.t.Name != "" {
			return p.fail(n, "a second tour line (this tour is %q)", p.t.Name)
		}
		if !nameRE.MatchString(rest) {
			return p.fail(n, "tour name %q: use lower-case letters, digits and hyphens", rest)
		}
		p.t.Name = rest
	case "title":
		if p.t.Title != "" {
			return p.fail(n, "a second title line")
		}
		if p.step != nil {
			return p.fail(n, "title comes before the first step")
		}
		if err := need("the tour's title"); err != nil {
			return err
		}
		p.t.Title = rest
	case "url":
		if p.t.URL != "" {
			return p.fail(n, "a second url line")
		}
		if p.step != nil {
			return p.fail(n, "url comes before the first step")
		}
		if err := need("page parameters, as name=value&name=value"); err != nil {
			return err
		}
		q, err := url.ParseQuery(rest)
		if err != nil {
			return p.fail(n, "url %q: %v", rest, err)
		}
		for k, v := range q {
			if !nameRE.MatchString(k) || len(v) != 1 || v[0] == "" {
				return p.fail(n, "url %q: parameter %q needs one value (name=value)", rest, k)
			}
			if k == "tour" || k == "step" || k == "tour-url" || k == "embed" {
				return p.fail(n, "url %q: %s is the player's own parameter", rest, k)
			}
		}
		p.t.URL = rest
	case "intro":
		if p.step != nil {
			return p.fail(n, "intro comes before the first step")
		}
		if err := need("a paragraph"); err != nil {
			return err
		}
		p.t.Intro = append(p.t.Intro, rest)
	case "step":
		if err := p.endStep(); err != nil {
			return err
		}
		if err := need("the step's title"); err != nil {
			return err
		}
		if p.titles == nil {
			p.titles = map[string]int{}
		}
		if prev, ok := p.titles[rest]; ok {
			return p.fail(n, "step %q: line %d has a step with the same title", rest, prev)
		}
		p.titles[rest] = n
		p.t.Steps = append(p.t.Steps, Step{Line: n, Title: rest})
		p.step = &p.t.Steps[len(p.t.Steps)-1]
	case "say":
		if err := inStep(); err != nil {
			return err
		}
		if err := need("a paragraph"); err != nil {
			return err
		}
		p.step.Say = append(p.step.Say, rest)
	case "highlight":
		if err := inStep(); err != nil {
			return err
		}
		if err := need("targets (" + strings.Join(Targets, ", ") + ", card:N)"); err != nil {
			return err
		}
		for _, f := range strings.Fields(rest) {
			if !validTarget(f) {
				return p.fail(n, "highlight %q: not a target (use %s, card:N)", f, strings.Join(Targets, ", "))
			}
			p.step.Highlight = append(p.step.Highlight, f)
		}
	case "do":
		if err := inStep(); err != nil {
			return err
		}
		if err := need("an action"); err != nil {
			return err
		}
		a, err := parseAction(rest)
		if err != nil {
			return p.fail(n, "do %s: %v", rest, err)
		}
		a.Line = n
		p.step.Do = append(p.step.Do, a)
	case "wait":
		if err := inStep(); err != nil {
			return err
		}
		if err := need("a condition"); err != nil {
			return err
		}
		c, err := parseCondition(rest)
		if err != nil {
			return p.fail(n, "wait %s: %v", rest, err)
		}
		c.Line = n
		p.step.Wait = append(p.step.Wait, c)
	default:
		return p.fail(n, "unknown directive %q (use tour, title, url, intro, step, say, highlight, do, wait)", dir)
	}
	return nil
}

// endStep checks the step being read, if any, before the next begins.
func (p *parser) endStep() error {
	if p.step != nil && len(p.step.Say) == 0 {
		return p.fail(p.step.Line, "step %q has no text: give it at least one say line", p.step.Title)
	}
	return nil
}

func (p *parser) finish() (*Tour, error) {
	if err := p.endStep(); err != nil {
		return nil, err
	}
	switch {
	case p.t.Name == "":
		return nil, p.fail(0, "it has no `tour NAME` line")
	case p.t.Title == "":
		return nil, p.fail(0, "it has no `title` line")
	case len(p.t.Steps) == 0:
		return nil, p.fail(0, "it has no steps")
	}
	return p.t, nil
}

func validTarget(s string) bool {
	for _, t := range Targets {
		if s == t {
			return true
		}
	}
	if n, ok := strings.CutPrefix(s, "card:"); ok {
		id, err := strconv.ParseUint(n, 10, 64)
		return err == nil && id >= 1 && id <= MaxMembers
	}
	return false
}

// MaxMembers is the largest member number a tour may name (the page runs
// clusters of at most this many members).
const MaxMembers = 7

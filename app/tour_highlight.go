package app

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// tourTargets maps a tour's highlight targets (tour.Targets) to the page
// elements they mark; card:N is `.card[data-member="N"]`.
var tourTargets = map[string]string{
	"cards":       ".cards",
	"card:leader": `.card[data-state="leader"]`,
	"card:down":   `.card[data-state="down"]`,
	"links":       `figure.view .links, [aria-labelledby="links-h"]`,
	"messages":    `figure.view .msgs, .msg-counts`,
	"timers":      ".card .timers",
	"log":         ".log-view",
	"timeline":    ".timeline",
	"keys":        `[aria-labelledby="write-h"]`,
	"console":     ".console",
	"mvcc":        `[aria-labelledby="mvcc-h"]`,
	"watches":     ".panel-watches",
	"leases":      ".leases",
	"check":       ".check-panel",
	"settings":    ".settings-panel",
	"stress":      `[aria-labelledby="stress-h"]`,
	"events":      ".events",
	"hash":        ".hash-indicator",
}

// tourSelector returns the CSS selector of one target ("" if unknown).
func tourSelector(target string) string {
	if n, ok := strings.CutPrefix(target, "card:"); ok && n != "leader" && n != "down" {
		return `.card[data-member="` + n + `"]`
	}
	return tourTargets[target]
}

// applyTourHighlights marks the elements the current step names with the
// class tour-highlight and data-tour-highlight (the target's name), and
// unmarks the others. The elements belong to other components, which may
// redraw them (a card changing state): it runs after every refresh.
// UI goroutine, browser only.
func (p *playground) applyTourHighlights() {
	s := &p.tour
	var targets []string
	if s.t != nil && s.step >= 1 && s.step <= len(s.t.Steps) {
		targets = s.t.Steps[s.step-1].Highlight
	}
	doc := app.Window().Get("document")
	if !doc.Truthy() {
		return
	}
	// Unmark what the step does not name, or no longer matches (the
	// leader's card after an election).
	named := map[string]bool{}
	for _, t := range targets {
		named[t] = true
	}
	old := doc.Call("querySelectorAll", "[data-tour-highlight]")
	for i := 0; i < old.Length(); i++ {
		el := old.Index(i)
		t := el.Call("getAttribute", "data-tour-highlight").String()
		if sel := tourSelector(t); named[t] && sel != "" && el.Call("matches", sel).Bool() {
			continue
		}
		el.Call("removeAttribute", "data-tour-highlight")
		el.Get("classList").Call("remove", "tour-highlight")
	}
	for _, t := range targets {
		sel := tourSelector(t)
		if sel == "" {
			continue
		}
		els := doc.Call("querySelectorAll", sel)
		for i := 0; i < els.Length(); i++ {
			el := els.Index(i)
			el.Call("setAttribute", "data-tour-highlight", t)
			el.Get("classList").Call("add", "tour-highlight")
		}
	}
}

// focusTourHeading moves the focus to the step's heading (after Next,
// Back, a rewind or a deep link), so a screen reader reads the new step.
func focusTourHeading() {
	if el := app.Window().GetElementByID("tour-step-title"); el.Truthy() {
		el.Call("focus")
	}
}

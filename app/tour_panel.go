package app

import (
	"fmt"

	"github.com/etcd-play/etcd-play/app/tour"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// renderTour is the tour player's panel, at the top of the cluster
// section while a tour is open (and in the embedded layout): the tour's
// title, progress ("step 3 of 6"), the step's heading and text, its
// buttons (data-action tour-do, tour-back, tour-next; tour-rewind when the
// cluster differs from what the step expects), and a polite status that
// says when the step is done. Hooks: data-tour (the name), data-step
// (1-based), data-step-done ("true" once the step's conditions hold).
func (p *playground) renderTour() app.UI {
	s := &p.tour
	if !s.open {
		return nil
	}
	switch {
	case s.loadErr != "":
		return app.Section().Class("panel tour-panel").Aria("labelledby", "tour-title").DataSet("tour-error", true).Body(
			app.H2().ID("tour-title").Text("Tour"),
			app.P().Class("error").Role("alert").DataSet("tour-load-error", true).Text("The tour could not be opened: "+s.loadErr),
			p.renderTourClose(),
		)
	case s.t == nil:
		return app.Section().Class("panel tour-panel").Aria("labelledby", "tour-title").Aria("busy", true).Body(
			app.H2().ID("tour-title").Text("Tour"),
			app.P().Role("status").Text("Opening the tour…"),
		)
	}
	t := s.t
	step := max(s.step, 1)
	st := t.Steps[step-1]
	started := s.r != nil && s.step >= 1
	busy := s.busy != "" || !started
	doLabel := "Do it"
	if len(st.Do) == 0 {
		doLabel = "Continue"
	}
	status := ""
	switch {
	case s.busy != "":
		status = s.busy
	case !started:
		status = "Starting the tour when the cluster has a leader…"
	case s.done && step == len(t.Steps):
		status = fmt.Sprintf("Step %d is done: that is the end of the tour.", step)
	case s.done:
		status = fmt.Sprintf("Step %d is done: press Next.", step)
	case len(s.pending) > 0:
		status = "Waiting for " + tour.JoinAnd(s.pending) + "."
	}
	body := []app.UI{
		app.H2().ID("tour-title").Text("Tour: " + t.Title),
		app.P().Class("tour-progress").DataSet("tour-progress", true).Text(fmt.Sprintf("step %d of %d", step, len(t.Steps))),
	}
	if step == 1 {
		for _, para := range t.Intro {
			body = append(body, app.P().Class("tour-intro").Text(para))
		}
	}
	body = append(body, app.H3().ID("tour-step-title").TabIndex(-1).Text(fmt.Sprintf("%d. %s", step, st.Title)))
	for _, para := range st.Say {
		body = append(body, app.P().Class("tour-say").Text(para))
	}
	if len(st.Do) > 0 {
		body = append(body, app.P().Class("tour-actions-text").Text("The step does: "+actionsText(st)))
	}
	body = append(body,
		app.Div().Class("tour-buttons").Role("group").Aria("label", "tour").Body(
			app.Button().Type("button").DataSet("action", "tour-back").Disabled(busy || step <= 1).
				Text("Back").OnClick(func(ctx app.Context, e app.Event) { p.tourBack(ctx) }),
			app.Button().Type("button").Class("primary").DataSet("action", "tour-do").
				Disabled(busy || s.done || (s.did && len(st.Do) > 0)).
				Text(doLabel).OnClick(func(ctx app.Context, e app.Event) { p.tourDo(ctx) }),
			app.Button().Type("button").DataSet("action", "tour-next").Disabled(busy || !s.done || step >= len(t.Steps)).
				Text("Next").OnClick(func(ctx app.Context, e app.Event) { p.tourNext(ctx) }),
			p.renderTourClose(),
		),
		app.P().Class("tour-status").Role("status").Aria("live", "polite").DataSet("tour-status", true).Text(status),
	)
	if s.differs != "" && s.busy == "" {
		body = append(body, app.Div().Class("tour-differs").Role("alert").DataSet("tour-differs", true).Body(
			app.P().Text(s.differs),
			app.Button().Type("button").DataSet("action", "tour-rewind").Text("Rewind to the step's start").
				OnClick(func(ctx app.Context, e app.Event) { p.tourRewind(ctx) }),
		))
	}
	if s.err != "" {
		body = append(body, app.P().Class("error").Role("alert").DataSet("tour-error", true).Text(s.err))
	}
	return app.Section().ID("tour").Class("panel tour-panel").Aria("labelledby", "tour-title").
		DataSet("tour", t.Name).DataSet("step", step).DataSet("steps", len(t.Steps)).
		DataSet("step-done", started && s.done && s.busy == "").DataSet("tour-busy", busy).
		Body(body...)
}

func (p *playground) renderTourClose() app.UI {
	return app.Button().Type("button").DataSet("action", "tour-close").Text("Close the tour").
		OnClick(func(ctx app.Context, e app.Event) { p.tourClose(ctx) })
}

// actionsText lists a step's actions as the tour writes them.
func actionsText(st tour.Step) string {
	out := ""
	for i, a := range st.Do {
		if i > 0 {
			out += "; "
		}
		out += a.Text
	}
	return out
}

// renderTourMenu lists the built-in tours in the header, so a newcomer
// finds them: each button (data-action="tour-open", data-tour=NAME) opens
// its tour on a fresh cluster.
func (p *playground) renderTourMenu() app.UI {
	tours, err := tour.Builtin()
	if err != nil || len(tours) == 0 {
		return nil
	}
	items := make([]app.UI, 0, len(tours))
	for _, t := range tours {
		name := t.Name
		items = append(items, app.Li().Body(
			app.Button().Type("button").DataSet("action", "tour-open").DataSet("tour", name).Text(t.Title).
				OnClick(func(ctx app.Context, e app.Event) {
					app.Window().Get("location").Set("href", tourURL(name))
				}, app.EventScope(name)),
		))
	}
	return app.Details().Class("tour-menu").Body(
		app.Summary().Text("Guided tours"),
		app.Ul().Aria("label", "guided tours").Body(items...),
	)
}

package app

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/etcd-play/etcd-play/app/tour"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The tour player (issue "guided tours"): ?tour=NAME opens a built-in
// tour (app/tour), &step=N goes to step N (the steps before it run at the
// fastest speed first: tour.Runner.FastForward), ?tour-url=URL loads a
// tour from the page's origin or an allowed one (tour_fetch.go). The
// panel (tour_panel.go) shows the step and its buttons; every refresh
// checks the step's conditions (tourAfterRefresh) and marks the page
// parts the step names (tour_highlight.go). A page with a tour runs its
// cluster in memory (main.go: TourInURL), recorded from its start, so
// that Back can rewind it.

// tourState is the player's state. UI goroutine.
type tourState struct {
	open    bool   // the URL asked for a tour
	name    string // ?tour=
	from    string // ?tour-url=
	want    int    // &step= (1 when absent)
	loading bool   // the tour is being fetched
	loadErr string // why the tour could not be opened (a malformed tour names its line)

	t *tour.Tour
	r *tour.Runner

	busy    string   // what a waiting call does ("going back…"); "" when idle
	err     string   // the last call's failure
	step    int      // the runner's step as last rendered (1-based; 0: not started)
	did     bool     // the step's actions were performed
	done    bool     // the step's conditions hold
	pending []string // what the step still waits for
	differs string   // how the cluster differs from what the step expects
	polling bool     // a Poll runs
	focus   bool     // move the focus to the step's heading after the next render
}

// TourInURL reports whether the page's URL opens a tour: the page then
// runs its cluster in memory, recorded from its start (a resumed cluster
// cannot be rewound), leaving the stored one alone.
func TourInURL() bool {
	q, err := url.ParseQuery(strings.TrimPrefix(app.Window().Get("location").Get("search").String(), "?"))
	return err == nil && (q.Get("tour") != "" || q.Get("tour-url") != "")
}

// openTour reads the tour parameters of the page's URL. UI goroutine,
// OnMount, after applyPageConfig.
func (p *playground) openTour(ctx app.Context) {
	q := ctx.Page().URL().Query()
	s := &p.tour
	s.name, s.from = q.Get("tour"), q.Get("tour-url")
	if s.name == "" && s.from == "" {
		return
	}
	s.open, s.want = true, 1
	if v := q.Get("step"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.loadErr = fmt.Sprintf("step=%s: use a step number from 1", echo(v))
			return
		}
		s.want = n
	}
	if s.from != "" {
		p.fetchTour(ctx, s.from) // tour_fetch.go
		return
	}
	tours, err := tour.Builtin()
	if err != nil {
		s.loadErr = "the built-in tours could not be read: " + err.Error()
		return
	}
	t := tour.Lookup(tours, s.name)
	if t == nil {
		var names []string
		for _, t := range tours {
			names = append(names, t.Name)
		}
		s.loadErr = fmt.Sprintf("there is no tour named %s (the tours: %s)", echo(s.name), strings.Join(names, ", "))
		return
	}
	p.setTour(t)
}

// setTour installs a parsed tour; when the tour needs page parameters the
// URL does not have (its url line), it reloads the page with them.
func (p *playground) setTour(t *tour.Tour) {
	s := &p.tour
	if s.want > len(t.Steps) {
		s.loadErr = fmt.Sprintf("tour %s has no step %d (it has %d)", t.Name, s.want, len(t.Steps))
		return
	}
	if next, reload := tourPageURL(t); reload {
		app.Window().Get("location").Call("replace", next)
		return
	}
	s.t = t
}

// tourPageURL returns the page's URL with the tour's page parameters set,
// and whether it differs from the page's.
func tourPageURL(t *tour.Tour) (string, bool) {
	if t.URL == "" {
		return "", false
	}
	want, err := url.ParseQuery(t.URL)
	if err != nil {
		return "", false
	}
	loc := app.Window().Get("location")
	q, err := url.ParseQuery(strings.TrimPrefix(loc.Get("search").String(), "?"))
	if err != nil {
		return "", false
	}
	changed := false
	for k, v := range want {
		if q.Get(k) != v[0] {
			q.Set(k, v[0])
			changed = true
		}
	}
	return loc.Get("pathname").String() + "?" + q.Encode(), changed
}

// tourURL is the address that opens the built-in tour name.
func tourURL(name string) string {
	loc := app.Window().Get("location")
	return loc.Get("pathname").String() + "?tour=" + url.QueryEscape(name)
}

// tourAfterRefresh starts the tour once the cluster has a leader, then
// keeps the step's state (done, what it waits for, what differs) and the
// highlights current. UI goroutine, after every refresh.
func (p *playground) tourAfterRefresh(ctx app.Context) {
	s := &p.tour
	if s.t == nil || p.eng == nil {
		return
	}
	if s.r == nil {
		if p.view.leader() == 0 || s.busy != "" {
			return
		}
		p.startTour(ctx)
		return
	}
	if s.busy == "" {
		s.step = s.r.Step()
		s.did = s.r.Did()
		s.done = s.r.Done()
		s.pending = s.r.Pending()
		s.differs = s.r.Differs()
		if !s.done && !s.polling && s.r.NeedsPoll() {
			s.polling = true
			r := s.r
			ctx = p.lasting(ctx)
			ctx.Async(func() {
				pctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				r.Poll(pctx)
				ctx.Dispatch(func(app.Context) { s.polling = false })
			})
		}
	}
	p.applyTourHighlights() // tour_highlight.go
	if s.focus {
		s.focus = false
		ctx.Defer(func(app.Context) { focusTourHeading() })
	}
}

// startTour makes the runner and starts the step the URL asked for.
func (p *playground) startTour(ctx app.Context) {
	s := &p.tour
	s.r = tour.New(p.eng, s.t)
	if s.want <= 1 {
		if err := s.r.Start(1); err != nil {
			s.err = err.Error()
		}
		s.step = 1
		return
	}
	want, eng, speed := s.want, p.eng, p.speed
	p.tourCall(ctx, fmt.Sprintf("going to step %d: running the steps before it…", want), func(c context.Context, r *tour.Runner) error {
		defer eng.SetSpeed(speed)
		return r.FastForward(c, want)
	})
}

// tourCall runs f on the runner in a goroutine, saying what it does while
// it runs and its failure after; the focus then moves to the step's
// heading. UI goroutine.
func (p *playground) tourCall(ctx app.Context, doing string, f func(context.Context, *tour.Runner) error) {
	s := &p.tour
	if s.r == nil || s.busy != "" || p.unavailable(doing) {
		return
	}
	s.busy, s.err = doing, ""
	r := s.r
	ctx = p.lasting(ctx)
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		err := f(c, r)
		ctx.Dispatch(func(ctx app.Context) {
			s.busy = ""
			if err != nil {
				s.err = err.Error()
			}
			if step := r.Step(); step != s.step {
				s.step, s.focus = step, true
			}
			s.did, s.done, s.pending, s.differs = r.Did(), r.Done(), r.Pending(), r.Differs()
		})
	})
}

func (p *playground) tourDo(ctx app.Context) {
	p.tourCall(ctx, "doing it…", func(c context.Context, r *tour.Runner) error { return r.Do(c) })
}

func (p *playground) tourBack(ctx app.Context) {
	p.tourCall(ctx, "going back…", func(c context.Context, r *tour.Runner) error { return r.Back(c) })
}

func (p *playground) tourRewind(ctx app.Context) {
	p.tourCall(ctx, "rewinding to the step's start…", func(c context.Context, r *tour.Runner) error { return r.Rewind(c) })
}

func (p *playground) tourNext(ctx app.Context) {
	s := &p.tour
	if s.r == nil || s.busy != "" {
		return
	}
	if err := s.r.Next(); err != nil {
		s.err = err.Error()
		return
	}
	s.err, s.step, s.focus = "", s.r.Step(), true
	s.did, s.done, s.pending, s.differs = false, s.r.Done(), s.r.Pending(), ""
}

// tourClose leaves the tour: the panel and its highlights go; the
// cluster runs on.
func (p *playground) tourClose(ctx app.Context) {
	p.tour = tourState{}
	p.applyTourHighlights()
}

package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/etcd-play/etcd-play/app/tour"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// fetchTour loads the tour at raw (?tour-url=): an address on the page's
// own origin, or on an origin the URL's allow= lists. It is fetched with
// a deadline, refused beyond tour.MaxSize bytes, and parsed; every
// failure (a refused origin, an HTTP error, a malformed tour with its
// line) is said in the tour panel. UI goroutine.
func (p *playground) fetchTour(ctx app.Context, raw string) {
	s := &p.tour
	loc := app.Window().Get("location")
	base, err := url.Parse(loc.Get("href").String())
	if err != nil {
		s.loadErr = "the page's address cannot be read"
		return
	}
	u, err := base.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		s.loadErr = fmt.Sprintf("tour-url=%s: not an http(s) address", echo(raw))
		return
	}
	origin := u.Scheme + "://" + u.Host
	if origin != base.Scheme+"://"+base.Host && !contains(p.page.Allow, origin) {
		s.loadErr = fmt.Sprintf("tour-url=%s: %s is neither this page's origin nor one allow= lists", echo(raw), origin)
		return
	}
	s.loading = true
	ctx = p.lasting(ctx)
	ctx.Async(func() {
		t, err := getTour(u.String())
		ctx.Dispatch(func(app.Context) {
			s.loading = false
			if err != nil {
				s.loadErr = err.Error()
				return
			}
			p.setTour(t)
		})
	})
}

// getTour fetches and parses the tour at addr.
func getTour(addr string) (*tour.Tour, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("the tour at %s could not be fetched: %v", addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the tour at %s could not be fetched: %s", addr, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, tour.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("the tour at %s could not be read: %v", addr, err)
	}
	// Parse refuses more than MaxSize bytes, naming the limit.
	return tour.Parse(addr, data)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

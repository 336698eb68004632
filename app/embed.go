package app

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// PageConfig is what the page's URL asks for. ParsePageConfig builds it;
// main.go sizes the cluster from it (Members, Seed, Speed) and the page lays
// itself out from it (Embed, Panels) and accepts postMessage commands from
// Allow (postmessage.go).
//
// URL parameters (all optional):
//
//	embed=1                      compact layout for an iframe: no page chrome
//	members=1|3|5|7              cluster size (default 5)
//	seed=N                       seeds the network, elections and stress (int64, default 1)
//	speed=N                      ticks per second, one of the speed control's rates (default 20)
//	panels=view,cards,faults,... with embed=1, the panels to show, in page order (default view,cards,faults)
//	allow=ORIGIN[,ORIGIN...]     origins whose postMessage commands are obeyed (repeatable)
//
// Invariant: a bad parameter never stops the page: it is ignored, its
// default applies, and Problems says why. Problems quotes at most
// maxEchoRunes of a bad value and lists at most maxProblems problems (a
// crafted link cannot fill the page with its own text).
type PageConfig struct {
	Embed   bool
	Members int      // 1, 3, 5 or 7
	Seed    int64    // cluster seed
	Speed   float64  // ticks per second, one of speeds
	Panels  []string // the compact layout's panels (the full page shows every panel)
	Allow   []string // origins ("scheme://host[:port]"), exact match
	// Problems lists the parameters that were ignored, one sentence each.
	Problems []string
}

// Bounds of what Problems repeats of the URL.
const (
	maxEchoRunes = 40
	maxProblems  = 6
)

// echo is v quoted for a problem, cut to maxEchoRunes runes.
func echo(v string) string {
	if r := []rune(v); len(r) > maxEchoRunes {
		return strconv.Quote(string(r[:maxEchoRunes])) + "…"
	}
	return strconv.Quote(v)
}

// Defaults of the URL parameters.
const (
	DefaultMembers = 5
	DefaultSeed    = 1
)

// panelNames maps the panels= names to the page's panels, in page order.
var panelNames = []struct {
	name string
	kind panelKind
}{
	{"view", panelView}, {"cards", panelCards}, {"faults", panelFaults}, {"links", panelLinks},
	{"stress", panelStress}, {"write", panelWrite}, {"console", panelConsole}, {"chart", panelChart},
	{"log", panelLog},
}

// embedPanels are the panels an embedded page shows unless panels= says.
var embedPanels = []string{"view", "cards", "faults"}

// ParsePageConfig reads the page's URL parameters (see PageConfig).
func ParsePageConfig(q url.Values) PageConfig {
	c := PageConfig{Members: DefaultMembers, Seed: DefaultSeed, Speed: defaultSpeed}
	bad := func(format string, args ...any) { c.Problems = append(c.Problems, fmt.Sprintf(format, args...)) }

	switch v := q.Get("embed"); v {
	case "", "0", "false":
	case "1", "true":
		c.Embed = true
	default:
		bad("embed=%s: use embed=1", echo(v))
	}
	if v := q.Get("members"); v != "" {
		switch n, err := strconv.Atoi(v); {
		case err == nil && (n == 1 || n == 3 || n == 5 || n == 7):
			c.Members = n
		default:
			bad("members=%s: use 1, 3, 5 or 7", echo(v))
		}
	}
	if v := q.Get("seed"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			c.Seed = n
		} else {
			bad("seed=%s: use a whole number", echo(v))
		}
	}
	if v := q.Get("speed"); v != "" {
		s, err := strconv.ParseFloat(v, 64)
		if ok := err == nil && isSpeed(s); ok {
			c.Speed = s
		} else {
			bad("speed=%s: use one of %s ticks/s", echo(v), speedList())
		}
	}
	if c.Embed {
		c.Panels = embedPanels
	} else {
		c.Panels = nil
		for _, p := range panelNames {
			c.Panels = append(c.Panels, p.name)
		}
	}
	if v, ok := q["panels"]; ok {
		var chosen []string
		for _, name := range splitList(v) {
			if _, ok := panelKindOf(name); ok {
				chosen = append(chosen, name)
			} else {
				bad("panels: no panel %s (panels are %s)", echo(name), panelList())
			}
		}
		if len(chosen) > 0 {
			c.Panels = chosen
		}
	}
	for _, o := range splitList(q["allow"]) {
		if origin, ok := normOrigin(o); ok {
			c.Allow = append(c.Allow, origin)
		} else {
			bad("allow=%s: not an origin such as https://docs.example", echo(o))
		}
	}
	if n := len(c.Problems); n > maxProblems {
		c.Problems = append(c.Problems[:maxProblems-1], fmt.Sprintf("and %d more", n-maxProblems+1))
	}
	return c
}

// shows reports whether the panel k is shown.
func (c PageConfig) shows(k panelKind) bool {
	for _, name := range c.Panels {
		if kk, _ := panelKindOf(name); kk == k {
			return true
		}
	}
	return false
}

func panelKindOf(name string) (panelKind, bool) {
	for _, p := range panelNames {
		if p.name == name {
			return p.kind, true
		}
	}
	return 0, false
}

func isSpeed(s float64) bool {
	for _, v := range speeds {
		if v == s {
			return true
		}
	}
	return false
}

func speedList() string {
	var b strings.Builder
	for i, s := range speeds {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatFloat(s, 'g', -1, 64))
	}
	return b.String()
}

func panelList() string {
	names := make([]string, len(panelNames))
	for i, p := range panelNames {
		names[i] = p.name
	}
	return strings.Join(names, ", ")
}

// splitList splits comma-separated, possibly repeated, parameter values,
// dropping empty items.
func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// normOrigin returns the origin s names ("scheme://host[:port]", the form
// MessageEvent.origin has), or false when s is not an http(s) origin. A
// trailing slash is accepted; a path, query, user or fragment is not. As in
// MessageEvent.origin, the scheme's default port is left out
// (https://docs.example:443 is https://docs.example).
func normOrigin(s string) (string, bool) {
	u, err := url.Parse(strings.TrimSuffix(s, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if port := u.Port(); port == "" || scheme == "http" && port == "80" || scheme == "https" && port == "443" {
		host = strings.ToLower(u.Hostname())
		if strings.Contains(host, ":") {
			host = "[" + host + "]" // IPv6
		}
	}
	return scheme + "://" + host, true
}

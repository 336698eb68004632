package app

import (
	"errors"
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// PageConfig is what the page's URL asks for. ParsePageQuery builds it;
// main.go sizes the cluster from it (Members, Seed, Speed) and the page lays
// itself out from it (Embed, Panels) and accepts postMessage commands from
// Allow (the postMessage API, app/embed).
//
// URL parameters (all optional):
//
//	embed=1                      compact layout for an iframe: no page chrome
//	members=1|3|5|7              cluster size (default 5)
//	seed=N                       seeds the network, elections and stress (int64, default 1)
//	speed=N                      ticks per second, one of the speed control's rates (default 20)
//	panels=view,cards,faults,... with embed=1, the panels to show, in page order (default view,cards,faults)
//	allow=ORIGIN[,ORIGIN...]     origins whose postMessage commands are obeyed (repeatable)
//	snapshot-count=N, pre-vote=0, ...  raft settings (settings_params.go)
//
// Invariant: a bad parameter never stops the page: it is ignored, its
// default applies, and Problems says why. Bad includes: a value out of
// range, a one-value parameter given twice (members=3&members=7), a pair
// that is not valid URL encoding (members=%ZZ), an allow origin that no
// browser can send (http://localhost:08742, a path, another scheme). Problems quotes at most
// maxEchoRunes of a bad value and lists at most maxProblems problems (a
// crafted link cannot fill the page with its own text).
type PageConfig struct {
	Embed   bool
	Members int     // 1, 3, 5 or 7
	Seed    int64   // cluster seed
	Speed   float64 // ticks per second, one of speeds
	// Memory: storage=memory, the members keep their data in memory only
	// (faster; nothing survives a reload) instead of IndexedDB.
	Memory bool
	// Settings are the raft settings the URL sets (settings_params.go);
	// nil when it sets none.
	Settings *engine.Settings
	Panels   []string // the compact layout's panels (the full page shows every panel)
	Allow    []string // origins ("scheme://host[:port]"), exact match
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

// ParsePageQuery reads the page's URL parameters from its raw query (the
// part after "?"), as ParsePageConfig does, and also names each parameter
// that is not validly URL-encoded (members=%ZZ), which url.ParseQuery
// would drop without a word. Pairs are split on "&" alone, as browsers'
// URLSearchParams splits them.
func ParsePageQuery(raw string) PageConfig {
	q := url.Values{}
	var problems []string
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			problems = append(problems, fmt.Sprintf("%s: not valid URL encoding (%% starts a %%XX escape)", echo(pair)))
			continue
		}
		q[key] = append(q[key], value)
	}
	return parsePageConfig(q, problems)
}

// ParsePageConfig reads the page's URL parameters (see PageConfig).
func ParsePageConfig(q url.Values) PageConfig { return parsePageConfig(q, nil) }

// singleParams are the parameters that take one value: given more than
// once, they are ignored (which one was meant is unknown) and named.
var singleParams = []string{"embed", "members", "seed", "speed", "storage",
	"pre-vote", "check-quorum", "election-ticks", "heartbeat-ticks", "snapshot-count", "catch-up-count", "max-inflight", "max-size"}

// parsePageConfig is ParsePageConfig with problems found before q was
// decoded listed first.
func parsePageConfig(q url.Values, problems []string) PageConfig {
	c := PageConfig{Members: engine.DefaultMembers, Seed: engine.DefaultSeed, Speed: engine.DefaultSpeed, Problems: problems}
	bad := func(format string, args ...any) { c.Problems = append(c.Problems, fmt.Sprintf(format, args...)) }
	for _, name := range singleParams {
		if vs := q[name]; len(vs) > 1 {
			quoted := make([]string, 0, 3)
			for i, v := range vs {
				if i == 3 {
					quoted = append(quoted, "…")
					break
				}
				quoted = append(quoted, echo(v))
			}
			bad("%s given %d times (%s): give it once", name, len(vs), strings.Join(quoted, ", "))
			q = cloneWithout(q, name)
		}
	}

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
	switch v := q.Get("storage"); v {
	case "", "indexeddb":
	case "memory":
		c.Memory = true
	default:
		bad("storage=%s: use storage=memory or storage=indexeddb", echo(v))
	}
	c.Settings = parseSettings(q, bad) // settings_params.go
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
		if origin, err := originOf(o); err == nil {
			c.Allow = append(c.Allow, origin)
		} else {
			bad("allow=%s: %v", echo(o), err)
		}
	}
	if n := len(c.Problems); n > maxProblems {
		c.Problems = append(c.Problems[:maxProblems-1], fmt.Sprintf("and %d more", n-maxProblems+1))
	}
	return c
}

// cloneWithout is q without the parameter name (q itself is the caller's).
func cloneWithout(q url.Values, name string) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		if k != name {
			out[k] = v
		}
	}
	return out
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
// MessageEvent.origin has), or false when s is not an http(s) origin that
// a browser can send (originOf says why).
func normOrigin(s string) (string, bool) {
	o, err := originOf(s)
	return o, err == nil
}

// originOf returns the origin s names, written as MessageEvent.origin
// writes it, or an error saying why no message can ever come from it. A
// trailing slash is accepted; a path, query, user or fragment is not. The
// scheme and host are lower-cased and the scheme's default port is left
// out (https://docs.example:443 is https://docs.example), as browsers do;
// what a browser would write otherwise (a port with a leading zero, a
// host that is not plain ASCII, an IPv4 or IPv6 address not in its
// shortest form) is refused rather than silently never matched.
func originOf(s string) (string, error) {
	u, err := url.Parse(strings.TrimSuffix(s, "/"))
	switch {
	case err != nil || u.Opaque != "" || u.Host == "" && u.Scheme == "":
		return "", errors.New("not an origin such as https://docs.example")
	case !strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https"):
		return "", errors.New("not an http or https origin such as https://docs.example")
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || u.User != nil:
		return "", errors.New("an origin has no path, query, user or fragment (such as https://docs.example)")
	case u.Host == "":
		return "", errors.New("not an origin such as https://docs.example")
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if port != "" {
		n, err := strconv.Atoi(port)
		switch {
		case err != nil || n < 1 || n > 65535:
			return "", fmt.Errorf("port %s is not a port (1-65535)", port)
		case strconv.Itoa(n) != port:
			return "", fmt.Errorf("port %s can never match: browsers write it %d", port, n)
		}
		if scheme == "http" && n == 80 || scheme == "https" && n == 443 {
			port = ""
		}
	}
	if err := checkHost(host); err != nil {
		return "", err
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, nil
}

// checkHost accepts a (lower-cased) host as browsers write it in an
// origin: a name of ASCII letters, digits, '-', '_' and '.', an IPv4
// address as four decimal numbers, or an IPv6 address in its shortest
// form.
func checkHost(host string) error {
	if strings.Contains(host, ":") {
		a, err := netip.ParseAddr(host)
		if err != nil || a.Zone() != "" || !a.Is6() {
			return fmt.Errorf("[%s] is not an IPv6 address", host)
		}
		if a.String() != host {
			return fmt.Errorf("[%s] can never match: browsers write it [%s]", host, a)
		}
		return nil
	}
	for _, r := range host {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("host %s can never match: browsers write a host in plain ASCII (an international name in its xn-- form)", echo(host))
		}
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	last := labels[len(labels)-1]
	if last == "" || strings.Trim(last, "0123456789") != "" && !strings.HasPrefix(last, "0x") {
		return nil // a name
	}
	// A host whose last label is a number is an IPv4 address to a browser.
	if a, err := netip.ParseAddr(host); err != nil || !a.Is4() || a.String() != host {
		return fmt.Errorf("host %s can never match: browsers read it as an IPv4 address, written as four numbers such as 127.0.0.1", echo(host))
	}
	return nil
}

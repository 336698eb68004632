package app

import (
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestParsePageConfig(t *testing.T) {
	all := []string{"view", "cards", "faults", "links", "stress", "write", "console", "chart", "log"}
	for _, tc := range []struct {
		query    string
		want     PageConfig
		problems []string // substrings, one per expected problem
	}{
		{"", PageConfig{Members: 5, Seed: 1, Speed: 20, Panels: all}, nil},
		{"embed=1", PageConfig{Embed: true, Members: 5, Seed: 1, Speed: 20, Panels: []string{"view", "cards", "faults"}}, nil},
		{"embed=1&members=3&seed=-42&speed=200&panels=log,view&panels=write",
			PageConfig{Embed: true, Members: 3, Seed: -42, Speed: 200, Panels: []string{"log", "view", "write"}}, nil},
		{"allow=https://Docs.Example/,http://localhost:8080&allow=https://b.example",
			PageConfig{Members: 5, Seed: 1, Speed: 20, Panels: all,
				Allow: []string{"https://docs.example", "http://localhost:8080", "https://b.example"}}, nil},
		// Bad values are ignored, one problem each, defaults kept.
		{"embed=yes&members=4&seed=x&speed=3&panels=nope&allow=javascript:alert(1)",
			PageConfig{Members: 5, Seed: 1, Speed: 20, Panels: all},
			[]string{`embed="yes"`, `members="4"`, `seed="x"`, `speed="3"`, `no panel "nope"`, `allow="javascript:alert(1)"`}},
		{"embed=1&panels=cards,bogus", PageConfig{Embed: true, Members: 5, Seed: 1, Speed: 20, Panels: []string{"cards"}},
			[]string{`no panel "bogus"`}},
		{"members=7&speed=0.5", PageConfig{Members: 7, Seed: 1, Speed: 20, Panels: all}, []string{`speed="0.5"`}},
	} {
		q, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		got := ParsePageConfig(q)
		problems := got.Problems
		got.Problems = nil
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q:\n got  %+v\n want %+v", tc.query, got, tc.want)
		}
		if len(problems) != len(tc.problems) {
			t.Errorf("%q: problems %q, want %d matching %q", tc.query, problems, len(tc.problems), tc.problems)
			continue
		}
		for i, want := range tc.problems {
			if !strings.Contains(problems[i], want) {
				t.Errorf("%q: problem %d is %q, want it to mention %s", tc.query, i, problems[i], want)
			}
		}
	}
}

// Parameters given twice, not validly URL-encoded, or naming an origin no
// browser sends are named like any other bad parameter, not dropped
// without a word (url.ParseQuery drops members=%ZZ; q.Get takes the first
// of members=3&members=7).
func TestParsePageQueryNamesDroppedParameters(t *testing.T) {
	for _, tc := range []struct {
		raw      string
		members  int
		allow    []string
		problems []string
	}{
		{"members=3&members=7", 5, nil, []string{`members given 2 times ("3", "7"): give it once`}},
		{"embed=1&embed=1&seed=2&seed=3&speed=5&speed=5&speed=5&speed=5", 5, nil,
			[]string{`embed given 2 times`, `seed given 2 times ("2", "3")`, `speed given 4 times ("5", "5", "5", …)`}},
		{"members=%ZZ", 5, nil, []string{`"members=%ZZ": not valid URL encoding`}},
		{"members=3&%ZZ=1&allow=http://a.example%2", 3, nil, []string{`"%ZZ=1": not valid URL encoding`, `"allow=http://a.example%2": not valid URL encoding`}},
		{"allow=http://localhost:08742", 5, nil, []string{`allow="http://localhost:08742": port 08742 can never match: browsers write it 8742`}},
		{"allow=http://localhost:99999", 5, nil, []string{`port 99999 is not a port`}},
		{"allow=https://docs.example/guide", 5, nil, []string{`allow="https://docs.example/guide": an origin has no path`}},
		{"allow=ws://docs.example", 5, nil, []string{`allow="ws://docs.example": not an http or https origin`}},
		{"allow=file:///etc", 5, nil, []string{`not an http or https origin`}},
		{"allow=https://b%C3%BCcher.example", 5, nil, []string{`host "bücher.example" can never match: browsers write a host in plain ASCII`}},
		{"allow=http://127.1", 5, nil, []string{`host "127.1" can never match: browsers read it as an IPv4 address`}},
		{"allow=http://[0:0::1]:8080", 5, nil, []string{`[0:0::1] can never match: browsers write it [::1]`}},
		{"allow=https://docs.example?", 5, nil, []string{`an origin has no path, query`}},
		// Still accepted: what browsers do write.
		{"members=7&allow=http://127.0.0.1:8080,https://xn--bcher-kva.example,http://[::1],HTTPS://Docs.Example:443/", 7,
			[]string{"http://127.0.0.1:8080", "https://xn--bcher-kva.example", "http://[::1]", "https://docs.example"}, nil},
		{"members=3&&panels=view&panels=cards&allow=http://a.example&allow=http://b.example", 3,
			[]string{"http://a.example", "http://b.example"}, nil},
	} {
		c := ParsePageQuery(tc.raw)
		if c.Members != tc.members || !reflect.DeepEqual(c.Allow, tc.allow) {
			t.Errorf("%q: members %d allow %q, want %d %q", tc.raw, c.Members, c.Allow, tc.members, tc.allow)
		}
		if len(c.Problems) != len(tc.problems) {
			t.Errorf("%q: problems %q, want %d matching %q", tc.raw, c.Problems, len(tc.problems), tc.problems)
			continue
		}
		for i, want := range tc.problems {
			if !strings.Contains(c.Problems[i], want) {
				t.Errorf("%q: problem %d is %q, want it to mention %s", tc.raw, i, c.Problems[i], want)
			}
		}
	}
}

func TestNormOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://docs.example":       "https://docs.example",
		"https://docs.example/":      "https://docs.example",
		"HTTP://LOCALHOST:8080":      "http://localhost:8080",
		"https://docs.example:443":   "https://docs.example",
		"http://docs.example:80/":    "http://docs.example",
		"https://docs.example:80":    "https://docs.example:80",
		"http://[::1]:80":            "http://[::1]",
		"http://[::1]:8080":          "http://[::1]:8080",
		"https://docs.example/page":  "",
		"https://docs.example?x=1":   "",
		"https://u@docs.example":     "",
		"ftp://docs.example":         "",
		"docs.example":               "",
		"null":                       "",
		"*":                          "",
		"https://docs.example#frag":  "",
		"javascript:alert(document)": "",
	} {
		got, ok := normOrigin(in)
		if got != want || ok != (want != "") {
			t.Errorf("normOrigin(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// A crafted link cannot fill the page with its own text: a bad value is
// quoted up to maxEchoRunes runes, and at most maxProblems problems are
// listed.
func TestPageConfigProblemsBounded(t *testing.T) {
	long := strings.Repeat("Your session expired, visit evil.example ", 20)
	var junk []string
	for i := 0; i < 100; i++ {
		junk = append(junk, fmt.Sprintf("p%d", i))
	}
	c := ParsePageConfig(url.Values{"members": {long}, "panels": {strings.Join(junk, ",")}})
	if len(c.Problems) != maxProblems || c.Problems[maxProblems-1] != fmt.Sprintf("and %d more", 101-maxProblems+1) {
		t.Errorf("problems: %q", c.Problems)
	}
	if p := c.Problems[0]; !strings.HasPrefix(p, `members="Your session expired`) || !strings.Contains(p, "…") || len(p) > 100 {
		t.Errorf("the long value is echoed as %q", p)
	}
	if c.Members != engine.DefaultMembers || len(c.Panels) != len(panelNames) {
		t.Errorf("defaults not kept: %+v", c)
	}
}

func TestPageConfigShows(t *testing.T) {
	c := ParsePageConfig(url.Values{"embed": {"1"}, "panels": {"write,view"}})
	for _, pn := range panelNames {
		want := pn.name == "write" || pn.name == "view"
		if c.shows(pn.kind) != want {
			t.Errorf("shows(%s) = %v, want %v", pn.name, !want, want)
		}
	}
}

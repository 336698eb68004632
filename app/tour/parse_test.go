package tour

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

func TestParseTestTour(t *testing.T) {
	data, err := os.ReadFile("testdata/test-leader.tour")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Parse("test-leader.tour", data)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Name != "test-leader" || tr.Title != "Test: the leader fails" || tr.URL != "members=5" || len(tr.Intro) != 1 {
		t.Fatalf("header: %+v", tr)
	}
	if len(tr.Steps) != 4 {
		t.Fatalf("%d steps, want 4", len(tr.Steps))
	}
	s := tr.Steps[1]
	if s.Title != "Kill the leader" || s.Line != 12 || len(s.Say) != 1 || !strings.Contains(s.Say[0], "★") {
		t.Fatalf("step 2: %+v", s)
	}
	if len(s.Do) != 1 || s.Do[0].Verb != "kill" || s.Do[0].Who.Kind != "leader" || s.Do[0].Line != 15 {
		t.Fatalf("step 2's action: %+v", s.Do)
	}
	if len(s.Wait) != 2 || s.Wait[0].Kind != "new-leader" || s.Wait[1].Kind != "term>start" {
		t.Fatalf("step 2's conditions: %+v", s.Wait)
	}
	if got := tr.Steps[0].Highlight; strings.Join(got, " ") != "cards card:leader" {
		t.Fatalf("step 1's highlights: %q", got)
	}
	if w := tr.Steps[2].Wait[1]; w.Kind != "key" || w.Key != "tour-key" || w.Value != "tour-value" {
		t.Fatalf("key condition: %+v", w)
	}
}

// Every directive, action and condition of the vocabulary parses.
func TestParseVocabulary(t *testing.T) {
	actions := []string{"kill leader", "kill follower", "kill 3", "kill followers 2", "kill all",
		"restart 2", "restart down", "restart all", "power-loss 1", "power-loss all", "isolate leader",
		"isolate 4", "partition 1,2|3,4,5", "partition leader|rest", "partition minority-with-leader",
		"heal", "put k v", "put k v via follower", "put k v via minority", "put k v via 3",
		"get k", "get k via minority serializable", "get k serializable via 2", "stress 100",
		"stress 500 rate 20", "pause", "play", "speed 200", "step 10",
		"set snapshot-count=10 catch-up-count=5", "set unsafe-local-reads=1", "watch k", "watch k prefix via 2",
		"lease grant 5", "lease keep-alive", "lease revoke", "put-with-lease k v", "check", "compact",
		"transfer 2"}
	conds := []string{"leader", "new-leader", "term>start", "down 3", "down 2-members", "all-up",
		"converged", "stale-read", "read-refused", "write-ok", "write-refused", "event snapshot-sent",
		"event election", "key k=v", "no-key k", "lease-expired", "lincheck violation", "lincheck ok",
		"ticks 40", "applied>=100", "applied>=100 on leader", "snapshot-index>=20 on 3",
		"snapshot-index>=20", "watched 5", "stress-done"}
	var b strings.Builder
	b.WriteString("tour all\ntitle All of it\nstep One\nsay text\n")
	for _, a := range actions {
		b.WriteString("do " + a + "\n")
	}
	for _, c := range conds {
		b.WriteString("wait " + c + "\n")
	}
	tr, err := Parse("all", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Steps[0].Do) != len(actions) || len(tr.Steps[0].Wait) != len(conds) {
		t.Fatalf("%d actions, %d conditions", len(tr.Steps[0].Do), len(tr.Steps[0].Wait))
	}
}

// Malformed tours are refused with the line and what is wrong.
func TestParseErrors(t *testing.T) {
	head := "tour t\ntitle T\n"
	for _, tc := range []struct{ text, want string }{
		{head + "step A\nsay x\nfrobnicate\n", "tour t, line 5: unknown directive \"frobnicate\""},
		{head + "step A\nsay x\ndo explode leader\n", "tour t, line 5: do explode leader: unknown action \"explode\""},
		{head + "step A\nsay x\nwait sunrise\n", "tour t, line 5: wait sunrise: unknown condition \"sunrise\""},
		{head + "step A\nhighlight cards\nstep B\nsay x\n", "tour t, line 3: step \"A\" has no text"},
		{head + "step A\n", "tour t, line 3: step \"A\" has no text"},
		{head + "step A\nsay x\nstep A\nsay y\n", "tour t, line 5: step \"A\": line 3 has a step with the same title"},
		{head + "tour u\n", "tour t, line 3: a second tour line"},
		{"title T\ntour Bad_Name\n", "tour f.tour, line 2: tour name \"Bad_Name\""},
		{head + "say x\n", "tour t, line 3: say belongs to a step"},
		{head + "step A\nsay x\nhighlight cards sky\n", "line 5: highlight \"sky\": not a target"},
		{head + "step A\nsay x\nhighlight card:12\n", "line 5: highlight \"card:12\": not a target"},
		{head + "step A\nsay x\ndo kill 9\n", "line 5: do kill 9: member 9: members are numbered 1 to 7"},
		{head + "step A\nsay x\ndo partition 1,2|2,3\n", "line 5: do partition 1,2|2,3: member 2 is on two sides"},
		{head + "step A\nsay x\ndo set snapshot-count=lots\n", "line 5: do set snapshot-count=lots: snapshot-count=lots: not a value"},
		{head + "step A\nsay x\ndo set colour=blue\n", "line 5: do set colour=blue: unknown setting \"colour\""},
		{head + "step A\nsay x\ndo put k\n", "line 5: do put k: use: put KEY VALUE"},
		{head + "step A\nsay x\nwait down many\n", "line 5: wait down many:"},
		{head + "step A\nsay x\nwait event party\n", "line 5: wait event party: event \"party\": use one of"},
		{head + "step A\nsay x\nwait lincheck maybe\n", "line 5: wait lincheck maybe: use: lincheck ok or lincheck violation"},
		{head + "url tour=x\nstep A\nsay x\n", "line 3: url \"tour=x\": tour is the player's own parameter"},
		{head + "step A\nsay x\nintro late\n", "line 5: intro comes before the first step"},
		{"tour t\nstep A\nsay x\n", "tour t: it has no `title` line"},
		{"title T\nstep A\nsay x\n", "tour f.tour: it has no `tour NAME` line"},
		{head, "tour t: it has no steps"},
		{head + "step A\nsay x\n" + strings.Repeat("# padding\n", MaxSize/10), "tour f.tour: it is over the 65536 bytes a tour may have"},
		{head + "step A\nsay \xff\n", "tour f.tour: it is not UTF-8 text"},
	} {
		_, err := Parse("f.tour", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s", tc.text, err, tc.want)
		}
	}
}

// Comments: whole lines and a trailing " # ..."; a # inside text stays.
func TestParseComments(t *testing.T) {
	tr, err := Parse("c", []byte("# top\ntour c   # the name\ntitle C\nstep A # first\nsay see #5 and a#b # gone\n\n  # indented\n"))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Name != "c" || tr.Steps[0].Title != "A" || tr.Steps[0].Say[0] != "see #5 and a#b" {
		t.Fatalf("%+v", tr)
	}
}

// loadBuiltin parses every .tour file, skips others, and refuses two
// tours with one name.
func TestLoadBuiltinFiles(t *testing.T) {
	one := "tour a\ntitle A\nstep S\nsay x\n"
	fsys := fstest.MapFS{
		"tours/01-a.tour":    {Data: []byte(one)},
		"tours/02-b.tour":    {Data: []byte(strings.Replace(one, "tour a", "tour b", 1))},
		"tours/.placeholder": {},
		"tours/notes.txt":    {Data: []byte("not a tour")},
	}
	tours, err := loadBuiltin(fsys, "tours")
	if err != nil || len(tours) != 2 || tours[0].Name != "a" || tours[1].Name != "b" {
		t.Fatalf("%v %v", tours, err)
	}
	fsys["tours/03-a.tour"] = &fstest.MapFile{Data: []byte(one)}
	if _, err := loadBuiltin(fsys, "tours"); err == nil || !strings.Contains(err.Error(), "01-a.tour and 03-a.tour are both named \"a\"") {
		t.Fatalf("two tours named a: %v", err)
	}
	fsys["tours/03-a.tour"] = &fstest.MapFile{Data: []byte("tour c\nbogus\n")}
	if _, err := loadBuiltin(fsys, "tours"); err == nil || !strings.Contains(err.Error(), "tour c, line 2") {
		t.Fatalf("a malformed tour: %v", err)
	}
	if _, err := Builtin(); err != nil {
		t.Fatalf("the built-in tours: %v", err)
	}
}

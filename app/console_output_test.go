package app

import (
	"fmt"
	"strings"
	"testing"
)

// A stream's output schedules one show until the show took the text, and
// keeps the newest maxConsoleLines lines, saying how many it left out.
func TestConsoleOutputCoalescesAndKeepsNewest(t *testing.T) {
	shows := 0
	o := &consoleOutput{}
	o.show = func() { shows++ }
	n := 5*maxConsoleLines + 7
	for i := range n {
		o.Print(fmt.Sprint("line ", i))
	}
	if shows != 1 {
		t.Fatalf("%d shows scheduled for %d lines before any was drawn, want 1", shows, n)
	}
	text := o.text()
	lines := strings.Split(text, "\n")
	if want := fmt.Sprintf("… %d earlier lines not shown", n-maxConsoleLines); lines[0] != want {
		t.Fatalf("first line %q, want %q", lines[0], want)
	}
	if len(lines) != maxConsoleLines+1 || lines[len(lines)-1] != fmt.Sprint("line ", n-1) || lines[1] != fmt.Sprint("line ", n-maxConsoleLines) {
		t.Fatalf("%d lines, from %q to %q", len(lines), lines[1], lines[len(lines)-1])
	}
	o.Print("after")
	if shows != 2 {
		t.Fatalf("a line after the show took the text scheduled %d shows in all, want 2", shows)
	}
}

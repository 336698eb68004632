package golden

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Result is what one command printed and how it ended.
type Result struct {
	Stdout, Stderr []string
	// Exit is "0", another exit status ("1", "128", ...), or "^C" for a
	// command that ran until it was stopped (a watch).
	Exit string
}

// OK reports whether the command succeeded (exit 0, or ran until stopped).
func (r Result) OK() bool { return r.Exit == "0" || r.Exit == "^C" }

// Entry is one recorded command: the transcript line as written, its
// substituted form as run, and its result.
type Entry struct {
	Line, Ran string
	Result
}

// Recorded is the file of outputs recorded from real etcd
// (testdata/golden/recorded.txt): the identity of the cluster that answered
// (what masking needs) and one Entry per transcript command, in the order
// Flatten gives.
//
// Format, line by line: "@cluster <decimal id>"; "@member <name> <hex id>
// <peer URL> <client URL>"; "=== <line as written>" starts an entry, "ran
// <line>" follows when substitution changed it, then "out | <stdout line>",
// "err | <stderr line>" and "exit <status>".
type Recorded struct {
	Header  []string // comment lines, written as "# ..."
	Cluster Identity
	Entries []Entry
}

// Flatten lists steps in recording order: each command, then the commands
// run during it.
func Flatten(steps []Step) []Step {
	var out []Step
	for _, s := range steps {
		out = append(out, s)
		out = append(out, Flatten(s.During)...)
	}
	return out
}

// Write writes r in the format above.
func (r *Recorded) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, h := range r.Header {
		fmt.Fprintf(bw, "# %s\n", h)
	}
	fmt.Fprintf(bw, "@cluster %s\n", r.Cluster.ClusterID)
	for _, m := range r.Cluster.Members {
		fmt.Fprintf(bw, "@member %s %s %s %s\n", m.Name, m.ID, m.PeerURL, m.ClientURL)
	}
	for _, e := range r.Entries {
		fmt.Fprintf(bw, "=== %s\n", e.Line)
		if e.Ran != e.Line {
			fmt.Fprintf(bw, "ran %s\n", e.Ran)
		}
		for _, l := range e.Stdout {
			fmt.Fprintf(bw, "out | %s\n", l)
		}
		for _, l := range e.Stderr {
			fmt.Fprintf(bw, "err | %s\n", l)
		}
		fmt.Fprintf(bw, "exit %s\n", e.Exit)
	}
	return bw.Flush()
}

// ReadRecorded reads a file Write wrote.
func ReadRecorded(rd io.Reader) (*Recorded, error) {
	r := &Recorded{}
	sc := bufio.NewScanner(rd)
	sc.Buffer(nil, 1<<24)
	var cur *Entry
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		bad := func() error { return fmt.Errorf("recorded line %d: unexpected %q", n, line) }
		tag, rest, _ := strings.Cut(line, " ")
		switch {
		case tag == "#":
			r.Header = append(r.Header, rest)
		case tag == "@cluster":
			r.Cluster.ClusterID = rest
		case tag == "@member":
			f := strings.Fields(rest)
			if len(f) != 4 {
				return nil, bad()
			}
			r.Cluster.Members = append(r.Cluster.Members, Member{Name: f[0], ID: f[1], PeerURL: f[2], ClientURL: f[3]})
		case tag == "===":
			r.Entries = append(r.Entries, Entry{Line: rest, Ran: rest})
			cur = &r.Entries[len(r.Entries)-1]
		case cur == nil:
			return nil, bad()
		case tag == "ran":
			cur.Ran = rest
		case line == "out |" || strings.HasPrefix(line, "out | "):
			cur.Stdout = append(cur.Stdout, strings.TrimPrefix(strings.TrimPrefix(line, "out |"), " "))
		case line == "err |" || strings.HasPrefix(line, "err | "):
			cur.Stderr = append(cur.Stderr, strings.TrimPrefix(strings.TrimPrefix(line, "err |"), " "))
		case tag == "exit":
			if _, err := strconv.Atoi(rest); err != nil && rest != "^C" {
				return nil, bad()
			}
			cur.Exit = rest
		default:
			return nil, bad()
		}
	}
	return r, sc.Err()
}

// Package golden holds what the golden etcdctl transcripts need on both of
// their sides: the transcript format, the file of outputs recorded from a
// real etcd (written by ./record, read by the console's replay test in
// app/etcdctl), and the masking and classification that compare the two.
//
// A transcript (testdata/golden/transcript.txt) is read line by line:
//
//	# a comment          ignored, as are blank lines
//	put foo bar          a command as a learner types it into the console
//	                     (etcdctl's arguments, shell quoting; "etcdctl" may
//	                     be left out)
//	< value("k") = "v"   a line of the previous command's standard input
//	                     (txn reads its compares and requests so); "<" alone
//	                     is an empty line
//	& put foo 1          a command run while the previous command (a watch)
//	                     keeps running; after its last "&" line the watch is
//	                     stopped with Ctrl-C (SIGINT)
//
// In a command, $LEASE stands for the ID of the lease the latest "lease
// grant" printed, and ${etcd-N} for member etcd-N's ID (both in hex, as
// etcdctl prints them); --endpoints=etcd-N names a member as the console
// does (the recorder passes real etcdctl that member's client URL).
package golden

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Step is one command of a transcript.
type Step struct {
	Line   string   // as written, before substitution
	LineNo int      // 1-based line in the transcript
	Input  []string // standard input lines ("<" lines)
	During []Step   // commands run while this one (a watch) runs ("&" lines)
}

// Count is the number of commands in steps, During ones included.
func Count(steps []Step) int {
	n := 0
	for _, s := range steps {
		n += 1 + Count(s.During)
	}
	return n
}

// ParseTranscript reads a transcript. An input or "&" line with no command
// before it, input for an "&" command, and an "&" line after input lines
// are errors naming the line.
func ParseTranscript(r io.Reader) ([]Step, error) {
	var steps []Step
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case line == "<" || strings.HasPrefix(line, "< "):
			if len(steps) == 0 || len(steps[len(steps)-1].During) > 0 {
				return nil, fmt.Errorf("line %d: input with no command before it", n)
			}
			in := ""
			if line != "<" {
				in = line[2:]
			}
			steps[len(steps)-1].Input = append(steps[len(steps)-1].Input, in)
		case strings.HasPrefix(line, "& "):
			if len(steps) == 0 || len(steps[len(steps)-1].Input) > 0 {
				return nil, fmt.Errorf(`line %d: "&" needs a command without input before it`, n)
			}
			last := &steps[len(steps)-1]
			last.During = append(last.During, Step{Line: strings.TrimSpace(line[2:]), LineNo: n})
		default:
			steps = append(steps, Step{Line: trimmed, LineNo: n})
		}
	}
	return steps, sc.Err()
}

var (
	memberRef = regexp.MustCompile(`\$\{(etcd-[0-9]+)\}`)
	leaseRef  = regexp.MustCompile(`\$LEASE\b`)
	leaseOut  = regexp.MustCompile(`^lease ([0-9a-f]+) granted with TTL\([0-9]+s\)$`)
	leaseJSON = regexp.MustCompile(`"ID":([0-9]+),"TTL":`)
)

// Substitute replaces $LEASE and ${etcd-N} in line: lease is the latest
// granted lease's hex ID ("" leaves $LEASE as it is), id maps a member name
// to its hex ID.
func Substitute(line, lease string, id func(name string) string) string {
	line = memberRef.ReplaceAllStringFunc(line, func(m string) string {
		if s := id(memberRef.FindStringSubmatch(m)[1]); s != "" {
			return s
		}
		return m
	})
	if lease != "" {
		line = leaseRef.ReplaceAllLiteralString(line, lease)
	}
	return line
}

// GrantedLease returns the ID (hex) of the lease a "lease grant" printed in
// out (simple or json output), or "".
func GrantedLease(out []string) string {
	for _, l := range out {
		if m := leaseOut.FindStringSubmatch(l); m != nil {
			return m[1]
		}
		if m := leaseJSON.FindStringSubmatch(l); m != nil {
			if v, err := strconv.ParseUint(m[1], 10, 64); err == nil {
				return strconv.FormatUint(v, 16)
			}
		}
	}
	return ""
}

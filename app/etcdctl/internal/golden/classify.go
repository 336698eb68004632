package golden

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
)

// Class is how the console's answer to a command compares with real
// etcdctl's, both masked.
type Class string

const (
	// Identical: the same standard output and error lines, and both
	// succeeded or both failed (the console has no exit codes).
	Identical Class = "identical"
	// Cosmetic: not identical, but the same multiset of lines once runs of
	// blanks (and of "-" in table rules) are collapsed to one and lines are
	// trimmed, and a line that is a JSON value is compared as that value
	// with its arrays taken as multisets: a difference of spacing,
	// alignment or order only (of lines, of json object keys, of json array
	// elements: members sorted by their IDs, which differ), success or
	// failure as etcdctl's.
	Cosmetic Class = "cosmetic"
	// Different: anything else.
	Different Class = "different"
	// Refused: etcdctl accepted the command and the console rejected it
	// before running it (it has no such command or flag, or cannot take
	// the command's input lines or run it while others run).
	Refused Class = "refused"
)

// Classify compares got (the console's masked result) with want (real
// etcdctl's, masked). refused says the console rejected the command before
// running it.
func Classify(want, got Result, refused bool) Class {
	if refused && want.OK() {
		return Refused
	}
	if want.OK() != got.OK() {
		return Different
	}
	if slices.Equal(want.Stdout, got.Stdout) && slices.Equal(want.Stderr, got.Stderr) {
		return Identical
	}
	if sameLoosely(want.Stdout, got.Stdout) && sameLoosely(want.Stderr, got.Stderr) {
		return Cosmetic
	}
	return Different
}

func sameLoosely(a, b []string) bool {
	na, nb := loose(a), loose(b)
	slices.Sort(na)
	slices.Sort(nb)
	return slices.Equal(na, nb)
}

func loose(lines []string) []string {
	var out []string
	for _, l := range lines {
		if j, ok := canonicalJSON(l); ok {
			out = append(out, j)
			continue
		}
		l = strings.Join(strings.Fields(l), " ")
		if strings.HasPrefix(l, "+-") {
			for strings.Contains(l, "--") {
				l = strings.ReplaceAll(l, "--", "-")
			}
		}
		out = append(out, l)
	}
	return out
}

// A masking placeholder where json has a number (after ":", "[" or ",").
var barePlaceholder = regexp.MustCompile(`([:\[,])(<[^<>"]+>)`)

// canonicalJSON returns a line that holds a JSON object or array (masking
// placeholders standing for numbers allowed) in a canonical form: object
// keys sorted, array elements sorted by their canonical form.
func canonicalJSON(l string) (string, bool) {
	t := strings.TrimSpace(l)
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
		return "", false
	}
	d := json.NewDecoder(strings.NewReader(barePlaceholder.ReplaceAllString(t, `$1"$2"`)))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil || d.More() {
		return "", false
	}
	b, err := json.Marshal(sortArrays(v))
	return string(b), err == nil
}

func sortArrays(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = sortArrays(e)
		}
	case []any:
		enc := make([][]byte, len(x))
		for i, e := range x {
			x[i] = sortArrays(e)
			enc[i], _ = json.Marshal(x[i])
		}
		idx := make([]int, len(x))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return bytes.Compare(enc[a], enc[b]) })
		sorted := make([]any, len(x))
		for i, j := range idx {
			sorted[i] = x[j]
		}
		return sorted
	}
	return v
}

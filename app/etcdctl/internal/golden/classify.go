package golden

import (
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
	// trimmed: a difference of spacing, alignment or line order only,
	// success or failure as etcdctl's.
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

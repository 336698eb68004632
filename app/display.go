package app

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Keys and values are user data: the page only ever shows them through
// app.Text (which the browser treats as text, never as markup) and, when
// they are not plain printable UTF-8, in a visibly escaped form.

// displayBytes returns b as it should be shown: as is when it is valid UTF-8
// with only printable characters (spaces included); otherwise Go-quoted, so
// binary bytes and control characters appear as \xNN, \n, \u200b, ...
func displayBytes(b []byte) string {
	if printable(b) {
		return string(b)
	}
	return strconv.Quote(string(b))
}

func printable(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		if !unicode.IsPrint(r) {
			return false
		}
		b = b[n:]
	}
	return true
}

// hexBytes is etcdctl's --hex rendering: each byte as \xNN.
func hexBytes(b []byte) string {
	out := make([]byte, 0, 4*len(b))
	for _, c := range b {
		out = append(out, '\\', 'x')
		out = hex.AppendEncode(out, []byte{c})
	}
	return string(out)
}

// truncate shortens s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// humanBytes formats a byte count in SI units as etcdctl does ("20 kB").
func humanBytes(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	units := []string{"kB", "MB", "GB", "TB"}
	i := -1
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	if f < 10 {
		return fmt.Sprintf("%.1f %s", f, units[i])
	}
	return fmt.Sprintf("%.0f %s", f, units[i])
}

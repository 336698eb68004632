package etcdctl

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Keys and values are user data: the console and the page's panels show
// them as text only (never as markup) and, when they are not plain
// printable UTF-8, in a visibly escaped form. The page uses DisplayBytes
// and HumanBytes too, so a key reads the same in every panel.

// DisplayBytes returns b as it should be shown: as is when it is valid UTF-8
// with only printable characters (spaces included); otherwise Go-quoted, so
// binary bytes and control characters appear as \xNN, \n, \u200b, ...
func DisplayBytes(b []byte) string {
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

// HumanBytes formats a byte count in SI units as etcdctl does ("20 kB").
func HumanBytes(n int64) string {
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

package app

import (
	"unicode/utf8"

	"github.com/etcd-play/etcd-play/app/etcdctl"
)

// Keys and values are user data: the page only ever shows them through
// app.Text (which the browser treats as text, never as markup) and, when
// they are not plain printable UTF-8, in a visibly escaped form. The rule
// is the console's (etcdctl.DisplayBytes), so a key reads the same in the
// key panel, the console and the member cards.

// displayBytes returns b as the page shows it (etcdctl.DisplayBytes).
func displayBytes(b []byte) string { return etcdctl.DisplayBytes(b) }

// humanBytes formats a byte count as etcdctl does (etcdctl.HumanBytes).
func humanBytes(n int64) string { return etcdctl.HumanBytes(n) }

// truncate shortens s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

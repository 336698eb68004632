//go:build !wasm

package site

import (
	"html"
	"strconv"
	"strings"
)

// The page go-app pre-renders natively (the static site's index.html, and
// every page `serve` answers) is what a visitor sees until the wasm has
// mounted, and all a crawler or link preview ever reads. go-app v10's
// encoder does not write HTML's attribute syntax:
//
//   - an attribute whose value is "true" is written bare (`selected`), and
//     "false" as is (`selected="false"`); in HTML a boolean attribute is
//     true whenever it is present, so Selected(false), Checked(false) and
//     Disabled(false) all pre-render as true, and a bare non-boolean
//     attribute (`aria-hidden`) means "", not "true";
//   - values are Go string literals (strconv.Quote): `"a \"b\""` ends the
//     value at the first backslash-quote in HTML.
//
// In the browser go-app sets the live DOM through properties and
// setAttribute, which are correct: only the encoded text is wrong.
// fixPrerendered rewrites that text so that it means what the components
// said. go-app never stores an empty attribute value (its attribute set
// drops them), so a bare attribute in its output always stands for "true".

// booleanAttrs are HTML's boolean attributes: present means true, whatever
// the value.
var booleanAttrs = map[string]bool{
	"allowfullscreen": true, "async": true, "autofocus": true, "autoplay": true, "checked": true,
	"controls": true, "default": true, "defer": true, "disabled": true, "formnovalidate": true,
	"hidden": true, "inert": true, "ismap": true, "itemscope": true, "loop": true, "multiple": true,
	"muted": true, "nomodule": true, "novalidate": true, "open": true, "playsinline": true,
	"readonly": true, "required": true, "reversed": true, "selected": true,
}

// attr is one attribute of a start tag; bare: written without a value.
type attr struct {
	name, value string
	bare        bool
}

// startTag is a start tag as go-app encodes it: `<name attr...>`.
type startTag struct {
	name  string
	attrs []attr
}

func (t startTag) get(name string) (string, bool) {
	for _, a := range t.attrs {
		if a.name == name {
			return a.value, true
		}
	}
	return "", false
}

// rewriteTag edits a start tag of the pre-rendered page in place; false
// drops the tag.
type rewriteTag func(t *startTag) (keep bool)

// fixPrerendered returns page with every start tag in go-app's encoding
// rewritten into HTML that means the same (see above), each passed through
// rewrite (nil: none) first. Comments, end tags, declarations and the
// contents of script and style elements are copied unchanged; so is a tag
// that is not in go-app's encoding (raw HTML in the page).
func fixPrerendered(page string, rewrite rewriteTag) string {
	var b strings.Builder
	b.Grow(len(page))
	for len(page) > 0 {
		i := strings.IndexByte(page, '<')
		if i < 0 {
			b.WriteString(page)
			break
		}
		b.WriteString(page[:i])
		page = page[i:]
		switch {
		case strings.HasPrefix(page, "<!--"):
			n := strings.Index(page, "-->")
			if n < 0 {
				n = len(page) - 3
			}
			b.WriteString(page[:n+3])
			page = page[n+3:]
			continue
		case len(page) < 2 || !isLetter(page[1]):
			// An end tag, a declaration or a stray '<' (text is escaped:
			// never expected).
			n := strings.IndexByte(page, '>') + 1
			if n == 0 {
				n = len(page)
			}
			b.WriteString(page[:n])
			page = page[n:]
			continue
		}
		t, n, ok := parseStartTag(page)
		if !ok {
			n = strings.IndexByte(page, '>') + 1
			if n == 0 {
				n = len(page)
			}
			b.WriteString(page[:n])
			page = page[n:]
			continue
		}
		page = page[n:]
		if rewrite == nil || rewrite(&t) {
			writeStartTag(&b, t)
		}
		if t.name == "script" || t.name == "style" {
			end := strings.Index(strings.ToLower(page), "</"+t.name)
			if end < 0 {
				end = len(page)
			}
			b.WriteString(page[:end])
			page = page[end:]
		}
	}
	return b.String()
}

// parseStartTag parses the start tag at the beginning of s, in go-app's
// encoding: `<name` then ` attr` or ` attr="Go string literal"` repeated,
// then `>`. It returns the tag and its length; false when s does not start
// with such a tag.
func parseStartTag(s string) (startTag, int, bool) {
	i := 1
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	t := startTag{name: strings.ToLower(s[1:i])}
	for {
		if i >= len(s) {
			return t, 0, false
		}
		switch s[i] {
		case '>':
			return t, i + 1, true
		case ' ':
			i++
		default:
			return t, 0, false
		}
		j := i
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
		if j == i {
			return t, 0, false
		}
		a := attr{name: s[i:j], bare: true}
		i = j
		if i < len(s) && s[i] == '=' {
			lit, err := strconv.QuotedPrefix(s[i+1:])
			if err != nil || lit[0] != '"' {
				return t, 0, false
			}
			v, err := strconv.Unquote(lit)
			if err != nil {
				return t, 0, false
			}
			a.value, a.bare = v, false
			i += 1 + len(lit)
		}
		if a.bare {
			a.value = "true" // go-app writes "true" bare (see above)
		}
		t.attrs = append(t.attrs, a)
	}
}

// writeStartTag writes t in HTML: a boolean attribute bare when true and
// not at all when "false"; any other attribute quoted and escaped.
func writeStartTag(b *strings.Builder, t startTag) {
	b.WriteByte('<')
	b.WriteString(t.name)
	for _, a := range t.attrs {
		if booleanAttrs[strings.ToLower(a.name)] {
			if a.value == "false" {
				continue
			}
			if a.value == "true" {
				b.WriteString(" " + a.name)
				continue
			}
		}
		b.WriteString(" " + a.name + `="` + html.EscapeString(a.value) + `"`)
	}
	b.WriteByte('>')
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// isNameByte: the bytes of the tag and attribute names go-app writes.
func isNameByte(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':' || c == '.'
}

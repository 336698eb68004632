package golden

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Member is one member as etcdctl's "member list" shows it: its name, its
// ID in hex as etcdctl prints it, and its first peer and client URL.
type Member struct{ Name, ID, PeerURL, ClientURL string }

// Identity is what differs between two clusters that answered the same
// commands and must be masked: member IDs and URLs, the cluster ID
// (decimal, as the json output prints it; "" when unknown).
type Identity struct {
	ClusterID string
	Members   []Member
}

// IdentityFromMemberList reads an Identity from the output of "member list"
// (simple: "ID, STATUS, NAME, PEER ADDRS, CLIENT ADDRS, IS LEARNER" lines)
// and of "member list -w json" (its header's cluster_id; jsonOut may be
// empty). Lines that do not have that shape are skipped.
func IdentityFromMemberList(simple, jsonOut []string) Identity {
	var id Identity
	for _, l := range simple {
		f := strings.Split(l, ", ")
		if len(f) != 6 {
			continue
		}
		id.Members = append(id.Members, Member{Name: f[2], ID: f[0], PeerURL: firstURL(f[3]), ClientURL: firstURL(f[4])})
	}
	var v struct {
		Header struct {
			ClusterID json.Number `json:"cluster_id"`
		} `json:"header"`
	}
	if json.Unmarshal([]byte(strings.Join(jsonOut, "\n")), &v) == nil {
		id.ClusterID = v.Header.ClusterID.String()
	}
	return id
}

func firstURL(s string) string { u, _, _ := strings.Cut(s, ","); return u }

// Masking replaces, in a command's output, what two clusters answering the
// same commands cannot share by a placeholder naming what it stood for:
//
//   - member client and peer URLs (also without their scheme):
//     <client:etcd-N>, <peer:etcd-N>;
//   - member IDs (hex as printed, zero-padded hex, decimal): <etcd-N>; the
//     cluster ID: <cluster>; lease IDs: <lease-K>, K counting the leases
//     granted in the transcript from 1 (IDs shorter than 6 hex digits are
//     left alone: they are not etcd's);
//   - numbers that depend on timing or on the store's files, not on the
//     commands: raft term and index, applied index, DB size and its in-use
//     and not-in-use figures, hashes (json and fields keys, endpoint status
//     and hashkv columns, table columns by header), "took = ..." durations,
//     a lease's remaining TTL (also json "ttl"), the TOOK column and json
//     "took", and the patch release in 3.6.x;
//   - etcd client log lines on stderr (JSON lines starting {"level":).
//
// Tables whose cells masking changed are drawn again with the masked cells
// (keeping each cell's alignment), so their rules fit.
type Masker struct {
	urls   *strings.Replacer
	tokens map[string]string
}

// NewMasker builds a Masker for a cluster's identity and the lease IDs (hex)
// it granted, in grant order.
func NewMasker(id Identity, leases []string) *Masker {
	m := &Masker{tokens: map[string]string{}}
	var pairs []string
	addID := func(hexID, as string) {
		if len(hexID) < 6 {
			return
		}
		v, err := strconv.ParseUint(hexID, 16, 64)
		if err != nil {
			return
		}
		m.tokens[hexID] = as
		m.tokens[fmt.Sprintf("%016x", v)] = as
		m.tokens[strconv.FormatUint(v, 10)] = as
	}
	for _, mb := range id.Members {
		addID(mb.ID, "<"+mb.Name+">")
		for _, u := range []struct{ url, as string }{{mb.ClientURL, "<client:" + mb.Name + ">"}, {mb.PeerURL, "<peer:" + mb.Name + ">"}} {
			if u.url == "" {
				continue
			}
			pairs = append(pairs, u.url, u.as)
			if _, hostPort, ok := strings.Cut(u.url, "://"); ok {
				pairs = append(pairs, hostPort, u.as)
			}
		}
	}
	if v, err := strconv.ParseUint(id.ClusterID, 10, 64); err == nil {
		addID(strconv.FormatUint(v, 16), "<cluster>")
	}
	for i, l := range leases {
		addID(l, fmt.Sprintf("<lease-%d>", i+1))
	}
	m.urls = strings.NewReplacer(pairs...)
	return m
}

var (
	tokenRE   = regexp.MustCompile(`[0-9A-Za-z]+`)
	numKeysRE = regexp.MustCompile(`"(raft_term|raftTerm|RaftTerm|raftIndex|raftAppliedIndex|dbSize|dbSizeInUse|hash|Hash|ttl)"(\s*:\s*)-?[0-9]+`)
	tookRE    = regexp.MustCompile(`took( =)? [0-9.]+[a-zµ]*s\b`)
	tookJSON  = regexp.MustCompile(`"took":"[^"]*"`)
	remainRE  = regexp.MustCompile(`remaining\(-?[0-9]+s\)`)
	versionRE = regexp.MustCompile(`\b3\.6\.[0-9]+\b`)
	// Columns masked by header name in tables.
	maskedColumns = map[string]bool{"DB SIZE": true, "IN USE": true, "PERCENTAGE NOT IN USE": true,
		"RAFT TERM": true, "TOOK": true, "RAFT INDEX": true, "RAFT APPLIED INDEX": true, "HASH": true}
)

// text masks one string (a line, or a table cell).
func (m *Masker) text(s string) string {
	s = m.urls.Replace(s)
	s = tokenRE.ReplaceAllStringFunc(s, func(t string) string {
		if as, ok := m.tokens[strings.ToLower(t)]; ok {
			return as
		}
		return t
	})
	s = numKeysRE.ReplaceAllString(s, `"$1"$2<n>`)
	s = tookRE.ReplaceAllString(s, "took$1 <duration>")
	s = tookJSON.ReplaceAllString(s, `"took":"<duration>"`)
	s = remainRE.ReplaceAllString(s, "remaining(<ttl>)")
	return versionRE.ReplaceAllString(s, "3.6.x")
}

// Stdout masks a command's standard output; cmd is the command as run
// (endpoint status and hashkv get their columns masked).
func (m *Masker) Stdout(cmd string, lines []string) []string {
	var out []string
	for i := 0; i < len(lines); {
		if isTableLine(lines[i]) {
			j := i
			for j < len(lines) && isTableLine(lines[j]) {
				j++
			}
			out = append(out, m.table(lines[i:j])...)
			i = j
			continue
		}
		out = append(out, m.row(cmd, m.text(lines[i])))
		i++
	}
	return out
}

// Stderr masks a command's standard error.
func (m *Masker) Stderr(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, `{"level":`) {
			continue
		}
		out = append(out, m.text(l))
	}
	return out
}

// row masks the timing- and file-dependent fields of endpoint status (16
// fields: DB size, in use, not in use, raft term, index, applied index) and
// endpoint hashkv (the hash) simple rows.
func (m *Masker) row(cmd, l string) string {
	f := strings.Split(l, ", ")
	switch {
	case strings.Contains(cmd, "endpoint status") && len(f) == 16:
		for _, i := range []int{4, 5, 6, 10, 11, 12} {
			f[i] = "<n>"
		}
	case strings.Contains(cmd, "endpoint hashkv") && len(f) >= 2 && len(f) <= 4:
		f[1] = "<n>"
	default:
		return l
	}
	return strings.Join(f, ", ")
}

func isTableLine(l string) bool { return strings.HasPrefix(l, "+-") || strings.HasPrefix(l, "|") }

type cell struct {
	text  string
	align byte // 'l', 'r', 'c', or 0: filled its column
}

// table masks a table's cells and draws it again if any changed.
func (m *Masker) table(lines []string) []string {
	var rows [][]cell
	for _, l := range lines {
		if !strings.HasPrefix(l, "|") {
			continue
		}
		parts := strings.Split(l, "|")
		if len(parts) < 3 {
			return m.plain(lines)
		}
		var r []cell
		for _, p := range parts[1 : len(parts)-1] {
			t := strings.TrimSpace(p)
			lead := len(p) - len(strings.TrimLeft(p, " "))
			trail := len(p) - len(strings.TrimRight(p, " "))
			var a byte
			switch {
			case t == "":
			case lead > 1 && trail > 1:
				a = 'c'
			case lead > 1:
				a = 'r'
			case trail > 1:
				a = 'l'
			}
			r = append(r, cell{t, a})
		}
		if len(rows) > 0 && len(r) != len(rows[0]) {
			return m.plain(lines)
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		return m.plain(lines)
	}
	changed := false
	for ri, r := range rows {
		for ci := range r {
			t := m.text(r[ci].text)
			if ri > 0 && maskedColumns[rows[0][ci].text] && t != "" {
				t = "<n>"
			}
			if t != r[ci].text {
				changed = true
				r[ci].text = t
			}
		}
	}
	if !changed {
		return lines
	}
	return drawTable(rows)
}

func (m *Masker) plain(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = m.text(l)
	}
	return out
}

// drawTable draws rows (the first is the header) with rules as etcdctl's
// table writer does; a cell whose alignment is unknown takes its column's
// (from the other data cells), else left, and a header cell centred.
func drawTable(rows [][]cell) []string {
	n := len(rows[0])
	width := make([]int, n)
	colAlign := make([]byte, n)
	for ri, r := range rows {
		for ci, c := range r {
			width[ci] = max(width[ci], len([]rune(c.text)))
			if ri > 0 && c.align != 0 && colAlign[ci] == 0 {
				colAlign[ci] = c.align
			}
		}
	}
	var rule strings.Builder
	for _, w := range width {
		rule.WriteString("+" + strings.Repeat("-", w+2))
	}
	rule.WriteString("+")
	out := []string{rule.String()}
	for ri, r := range rows {
		var b strings.Builder
		for ci, c := range r {
			a := c.align
			if a == 0 {
				a = colAlign[ci]
			}
			if ri == 0 && a == 0 {
				a = 'c'
			}
			pad := width[ci] - len([]rune(c.text))
			left := 0
			switch a {
			case 'r':
				left = pad
			case 'c':
				left = pad / 2
			}
			b.WriteString("| " + strings.Repeat(" ", left) + c.text + strings.Repeat(" ", pad-left) + " ")
		}
		b.WriteString("|")
		out = append(out, b.String())
		if ri == 0 {
			out = append(out, rule.String())
		}
	}
	return append(out, rule.String())
}

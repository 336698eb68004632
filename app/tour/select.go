package tour

import (
	"errors"
	"fmt"
	"sort"

	"github.com/etcd-play/etcd-play/app/engine"
)

// cluster is what the runner reads of the engine at one moment: the
// members' views and the links, resolved into the sets the selectors and
// conditions use.
type clusterView struct {
	st    []engine.MemberView
	links []engine.LinkView
}

// leader returns the up member that leads in the highest term (an old
// leader cut off from the others may still believe it leads).
func (c clusterView) leader() (engine.MemberView, bool) {
	var best engine.MemberView
	ok := false
	for _, m := range c.st {
		if m.Up() && m.State == "leader" && (!ok || m.Term > best.Term) {
			best, ok = m, true
		}
	}
	return best, ok
}

// followers returns the up members that are not the leader, lowest first.
func (c clusterView) followers() []uint64 {
	l, _ := c.leader()
	var ids []uint64
	for _, m := range c.st {
		if m.Up() && m.ID != l.ID {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

func (c clusterView) member(id uint64) (engine.MemberView, bool) {
	for _, m := range c.st {
		if m.ID == id {
			return m, true
		}
	}
	return engine.MemberView{}, false
}

func (c clusterView) quorum() int { return len(c.st)/2 + 1 }

// sides splits the members by the network: two members are on one side
// when the links between them carry messages both ways (not cut, not
// dropping everything). Each side is sorted; sides are ordered by their
// lowest member.
func (c clusterView) sides() [][]uint64 {
	blocked := map[[2]uint64]bool{}
	for _, l := range c.links {
		if l.Cut || l.Drop >= 1 {
			blocked[[2]uint64{l.From, l.To}] = true
		}
	}
	side := map[uint64]int{}
	var sides [][]uint64
	for _, m := range c.st {
		if _, ok := side[m.ID]; ok {
			continue
		}
		n := len(sides)
		side[m.ID] = n
		group := []uint64{m.ID}
		for i := 0; i < len(group); i++ {
			for _, o := range c.st {
				if _, ok := side[o.ID]; ok {
					continue
				}
				a, b := group[i], o.ID
				if !blocked[[2]uint64{a, b}] && !blocked[[2]uint64{b, a}] {
					side[o.ID] = n
					group = append(group, o.ID)
				}
			}
		}
		sort.Slice(group, func(i, j int) bool { return group[i] < group[j] })
		sides = append(sides, group)
	}
	return sides
}

// split reports whether some link is cut (or drops every message).
func (c clusterView) split() bool {
	for _, l := range c.links {
		if l.Cut || l.Drop >= 1 {
			return true
		}
	}
	return false
}

// errNoLeaderYet: the selector needs a leader (on the majority's side)
// and none leads now. A client action waits for one (Runner.member).
var errNoLeaderYet = errors.New("no member leads now")

// one resolves a selector that names a single member for a client call or
// a fault.
func (c clusterView) one(s Selector) (uint64, error) {
	switch s.Kind {
	case "member":
		if _, ok := c.member(s.ID); !ok {
			return 0, fmt.Errorf("there is no member %d (the cluster has %d)", s.ID, len(c.st))
		}
		return s.ID, nil
	case "leader":
		if l, ok := c.leader(); ok {
			return l.ID, nil
		}
		return 0, errNoLeaderYet
	case "follower":
		if f := c.followers(); len(f) > 0 {
			return f[0], nil
		}
		return 0, fmt.Errorf("no follower is up")
	case "minority", "majority":
		var l engine.MemberView
		for _, side := range c.sides() {
			if (len(side) >= c.quorum()) != (s.Kind == "majority") {
				continue
			}
			pick := uint64(0)
			for _, id := range side {
				m, _ := c.member(id)
				if s.Kind == "majority" {
					if m.Up() && m.State == "leader" && (pick == 0 || m.Term > l.Term) {
						pick, l = id, m
					}
				} else if m.Up() && pick == 0 {
					pick = id
				}
			}
			if pick == 0 && s.Kind == "majority" {
				return 0, errNoLeaderYet
			}
			if pick != 0 {
				return pick, nil
			}
		}
		if s.Kind == "minority" {
			return 0, fmt.Errorf("no member that is up is cut off from a majority")
		}
		return 0, fmt.Errorf("no majority of the members can reach each other")
	}
	return 0, fmt.Errorf("%s names more than one member", s)
}

// groups resolves a partition's sides into member ids.
func (c clusterView) groups(gs [][]Selector) ([][]uint64, error) {
	if len(gs) == 1 && len(gs[0]) == 1 && gs[0][0].Kind == "minority-with-leader" {
		l, ok := c.leader()
		if !ok {
			return nil, fmt.Errorf("no member leads now")
		}
		small := []uint64{l.ID}
		want := len(c.st) - c.quorum() // the largest minority
		for _, m := range c.st {
			if len(small) >= want {
				break
			}
			if m.ID != l.ID && m.Up() {
				small = append(small, m.ID)
			}
		}
		return [][]uint64{small, c.others(small)}, nil
	}
	out := make([][]uint64, len(gs))
	var named []uint64
	restAt := -1
	for i, g := range gs {
		for _, s := range g {
			if s.Kind == "rest" {
				restAt = i
				continue
			}
			id, err := c.one(s)
			if err != nil {
				return nil, err
			}
			for _, n := range named {
				if n == id {
					return nil, fmt.Errorf("member %d (%s) is on two sides", id, s)
				}
			}
			named = append(named, id)
			out[i] = append(out[i], id)
		}
	}
	if restAt >= 0 {
		out[restAt] = c.others(named)
	}
	return out, nil
}

// others returns the members not in ids.
func (c clusterView) others(ids []uint64) []uint64 {
	var out []uint64
	for _, m := range c.st {
		in := false
		for _, id := range ids {
			in = in || id == m.ID
		}
		if !in {
			out = append(out, m.ID)
		}
	}
	return out
}

// down returns the members that are down.
func (c clusterView) down() map[uint64]bool {
	d := map[uint64]bool{}
	for _, m := range c.st {
		if m.State == "down" {
			d[m.ID] = true
		}
	}
	return d
}

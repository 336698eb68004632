package embed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/etcd-play/etcd-play/app/engine"
)

// The run's history over postMessage (the timeline's, engine.Timeliner):
//
//	{cmd: "history", action: "export"}               -> {history: {...}}   the history file (node/cluster's format)
//	{cmd: "history", action: "link"}                 -> {link: "..."}      a shared link's fragment text (after "#h=")
//	{cmd: "history", action: "load", history: {...}} -> {tick}             replaces the run, paused at the file's tick
//	{cmd: "history", action: "load", link: "..."}    -> {tick}             the same from a link's text
//	{cmd: "history", action: "seek", tick: N}        -> {tick}             shows tick N of the run, paused
//
// A history that does not decode, or that is of another cluster size, is
// refused with the reason and the run is left as it was.

// historyDeadline bounds a load or a seek (a replay of a long run).
const historyDeadline = 60 * commandDeadline

func (a *messageAPI) validateHistory(eng engine.Engine, c Command) (func() (any, error), error) {
	t, ok := eng.(engine.Timeliner)
	if !ok {
		return nil, errors.New("this playground does not record its history")
	}
	switch {
	case c.History != nil && c.Action != "load":
		return nil, fmt.Errorf("history %s does not take history", c.Action)
	case c.Link != "" && c.Action != "load":
		return nil, fmt.Errorf("history %s does not take link", c.Action)
	case c.Tick != nil && c.Action != "seek":
		return nil, fmt.Errorf("history %s does not take tick", c.Action)
	}
	ctx := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), historyDeadline)
	}
	switch c.Action {
	case "export":
		return func() (any, error) {
			ctx, cancel := ctx()
			defer cancel()
			b, err := t.ExportHistory(ctx)
			if err != nil {
				return nil, err
			}
			return map[string]json.RawMessage{"history": b}, nil
		}, nil
	case "link":
		return func() (any, error) {
			ctx, cancel := ctx()
			defer cancel()
			s, err := t.ShareLink(ctx)
			if err != nil {
				return nil, err
			}
			return map[string]string{"link": s}, nil
		}, nil
	case "load":
		var data []byte
		link := false
		switch {
		case c.History != nil && c.Link != "":
			return nil, errors.New("history load takes history or link, not both")
		case c.History != nil:
			data = c.History
		case c.Link != "":
			data, link = []byte(c.Link), true
		default:
			return nil, errors.New("history load needs history (a history file's object) or link (a shared link's text)")
		}
		return func() (any, error) {
			ctx, cancel := ctx()
			defer cancel()
			if err := t.LoadHistory(ctx, data, link); err != nil {
				return nil, err
			}
			return map[string]uint64{"tick": eng.Now()}, nil
		}, nil
	case "seek":
		if c.Tick == nil || *c.Tick < 0 {
			return nil, errors.New("history seek needs tick (a whole number from 0)")
		}
		tick := uint64(*c.Tick)
		return func() (any, error) {
			ctx, cancel := ctx()
			defer cancel()
			if err := t.Seek(ctx, tick); err != nil {
				return nil, err
			}
			return map[string]uint64{"tick": eng.Now()}, nil
		}, nil
	case "":
		return nil, errors.New(`history needs action: "export", "link", "load" or "seek"`)
	}
	return nil, fmt.Errorf("unknown history action %s (actions: export, link, load, seek)", echo(c.Action))
}

package app

import (
	"errors"
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"
	"reflect"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The storage section: where the cluster's data lives, the notices about it
// (in memory only, corrupt member, storage full, open in another tab, taken
// over by another tab) and the storage controls (power loss, wipe a
// member's data, reset the cluster). Automation hooks: section.storage with
// data-storage ("indexeddb", "memory", "elsewhere", "opening", "failed"),
// data-epoch, data-resumed, data-lost; .storage-lost[data-storage-lost]
// once another tab took the cluster over; .disk-error[data-member][data-kind];
// buttons data-action = kill-power, kill-all-power, wipe, reset,
// reset-confirm, reset-cancel, take-over, run-in-memory, reset-stored, reload.

// storageUI is the section's state. UI goroutine only.
type storageUI struct {
	view         engine.StorageView
	root         app.Context            // OnMount's context: outlives the buttons that restart the engine
	rooted       bool                   // root is set
	has          bool                   // the engine is a storageEngine
	starting     bool                   // NewEngineAs is running
	elsewhere    bool                   // another tab holds the cluster: offer the choice
	failure      *engine.StorageFailure // the storage failed at load: offer memory or reset
	resetStored  bool                   // failure.ResetStored is running
	resetErr     string                 // why failure.ResetStored failed; "" if it did not
	confirmReset bool
	resetting    bool
}

// storagePoll is how often the section re-reads the engine's storage view.
const storagePoll = 300 * time.Millisecond

// startEngine builds the engine. With Options.NewEngineAs it opens the
// storage (mode) in a goroutine, as that waits for the browser; otherwise it
// calls Options.NewEngine at once. The first call (OnMount) passes the
// component's context; later ones (the second-tab buttons) run on it too,
// as a context of a button that the next render removes drops its
// Dispatches. UI goroutine.
func (p *playground) startEngine(ctx app.Context, mode engine.StartMode) {
	if !p.storage.rooted {
		p.storage.root, p.storage.rooted = ctx, true
	}
	ctx = p.storage.root
	if p.opts.NewEngineAs == nil {
		if p.opts.NewEngine == nil {
			p.engErr = "no engine configured"
			return
		}
		eng, err := p.opts.NewEngine()
		if err != nil {
			p.engErr, p.deferred = err.Error(), false
			return
		}
		p.eng = eng
		p.startRefresh(ctx)
		return
	}
	p.storage.starting, p.storage.elsewhere, p.storage.failure, p.storage.resetErr = true, false, nil, ""
	newEngine := p.opts.NewEngineAs
	ctx.Async(func() {
		start := func() (engine.Engine, error) { return newEngine(mode) }
		var eng engine.Engine
		var err error
		if mode == engine.StartShared {
			var ok bool
			if eng, err, ok = p.opts.Prestarted.take(); !ok { // prestart.go
				eng, err = startShared(start) // storage_resume.go
			}
		} else {
			eng, err = start()
		}
		ctx.Dispatch(func(ctx app.Context) {
			p.storage.starting = false
			if err != nil {
				p.deferred = false // no refresh will build the deferred sections
			}
			var failure *engine.StorageFailure
			switch {
			case errors.Is(err, engine.ErrOpenElsewhere):
				p.storage.elsewhere = true
			case errors.Is(err, engine.ErrVersion) && reloadOnce(p.opts.WasmVersion):
				p.engErr = "a new version of the playground was deployed: reloading…"
			case errors.As(err, &failure):
				// Both layouts offer memory, reset or reload (the full
				// page in renderStorageFailure, the embed in a line of
				// its own: renderEmbedStorage).
				p.storage.failure = failure
			case err != nil:
				p.engErr = err.Error()
			default:
				p.eng = eng
				p.startRefresh(ctx)
				p.startStoragePoll(ctx)
				markHeld(p.storage.has && p.storage.view.Medium == "indexeddb")
				p.openSharedLink(ctx) // timeline_panel.go
			}
			if why := p.startProblem(); why != "" {
				postProblem(why)
			}
		})
	})
}

// startStoragePoll keeps p.storage.view current while the engine has
// storage. Dispatches only changes.
func (p *playground) startStoragePoll(ctx app.Context) {
	se, ok := p.eng.(engine.Storage)
	if !ok {
		return
	}
	p.storage.has = true
	p.storage.view = se.Storage()
	prev := p.storage.view
	ctx.Async(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(storagePoll):
			}
			v := se.Storage()
			if reflect.DeepEqual(v, prev) {
				continue
			}
			prev = v
			ctx.Dispatch(func(ctx app.Context) {
				p.storage.view = v
				if v.Lost { // another tab took the cluster over
					markHeld(false)
				}
			})
		}
	})
}

// renderStorageNotice is what the top of the page says about storage when
// there is no cluster to show: while the storage opens, and when another
// tab holds the cluster (the choice of taking it over or running apart), or
// took it over from this tab. Nothing otherwise: the storage controls are
// in the Durability panel (renderDurability).
func (p *playground) renderStorageNotice() app.UI {
	s := &p.storage
	switch {
	case s.elsewhere:
		return app.Section().Class("storage panel alert").Role("alert").DataSet("storage", "elsewhere").Body(
			app.P().Text("The cluster is open in another tab. Two tabs must not write it at once."),
			app.Div().Class("row").Body(
				app.Button().Type("button").DataSet("action", "take-over").Text("Take it over here").
					Title("the other tab stops").
					OnClick(func(ctx app.Context, e app.Event) { p.startEngine(ctx, engine.StartTakeOver) }),
				app.Button().Type("button").DataSet("action", "run-in-memory").Text("Run a separate in-memory cluster").
					OnClick(func(ctx app.Context, e app.Event) { p.startEngine(ctx, engine.StartInMemory) }),
			),
		)
	case s.failure != nil:
		return p.renderStorageFailure()
	case s.starting:
		return app.P().Class("storage loading").DataSet("storage", "opening").Text("Opening the cluster's storage…")
	case s.has && s.view.Lost:
		return app.Section().Class("storage panel alert storage-lost").Role("alert").DataSet("storage-lost", true).Body(
			app.P().Text("Another tab took this cluster over; this tab stopped it. Nothing shown here runs any more, "+
				"and every command here answers with an error. To take the cluster back, reload this page and choose "+
				"\"Take it over here\" (the other tab then stops); or close this tab."),
			app.Div().Class("row").Body(
				app.Button().Type("button").DataSet("action", "reload").Text("Reload").
					OnClick(func(ctx app.Context, e app.Event) { ctx.Reload() }),
			),
		)
	}
	return app.Text("")
}

// renderStorageFailure: the storage failed for the whole cluster at load.
// The page says what failed and offers to go on in memory, to delete the
// stored cluster and start a new one, or to reload (and try again).
func (p *playground) renderStorageFailure() app.UI {
	f := p.storage.failure
	return app.Section().Class("storage panel alert storage-failed").Role("alert").DataSet("storage", "failed").Body(
		app.P().Text("The cluster could not load from the browser's storage: "+failureText(f)+". "+
			"Nothing stored was changed. You can go on in memory (the data then does not survive a reload), "+
			"delete the stored cluster and start a new one, or reload to try again."),
		app.Div().Class("row").Body(p.storageFailureChoices(f, "Delete the stored cluster and start a new one")...),
		p.renderResetErr(),
	)
}

// renderResetErr says why deleting the stored cluster failed, if it did.
func (p *playground) renderResetErr() app.UI {
	if p.storage.resetErr == "" {
		return app.Text("")
	}
	return app.Span().Class("error reset-error").Text(" " + p.storage.resetErr)
}

// failureText is what failed, without a final full stop (the sentences
// around it add their own).
func failureText(f *engine.StorageFailure) string { return strings.TrimRight(f.Err.Error(), ".") }

// storageFailureChoices are the buttons a storage failure at load offers,
// in both layouts: go on in memory, delete the stored cluster (then
// reload: a new one starts), reload. resetText is the delete button's text.
func (p *playground) storageFailureChoices(f *engine.StorageFailure, resetText string) []app.UI {
	return []app.UI{
		app.Button().Type("button").DataSet("action", "run-in-memory").Text("Go on in memory").
			OnClick(func(ctx app.Context, e app.Event) { p.startEngine(ctx, engine.StartInMemoryAfterFailure) }),
		app.Button().Type("button").Class("danger").DataSet("action", "reset-stored").Disabled(p.storage.resetStored).
			Text(resetText).
			OnClick(func(ctx app.Context, e app.Event) {
				if p.storage.resetStored {
					return
				}
				p.storage.resetStored = true
				ctx = p.storage.root // outlives this button
				ctx.Async(func() {
					err := f.ResetStored()
					ctx.Dispatch(func(ctx app.Context) {
						p.storage.resetStored = false
						if err != nil {
							p.storage.resetErr = "Deleting the stored cluster failed: " + err.Error()
							return
						}
						ctx.Reload()
					})
				})
			}),
		app.Button().Type("button").DataSet("action", "reload").Text("Reload").
			OnClick(func(ctx app.Context, e app.Event) { ctx.Reload() }),
	}
}

// durabilityLead says in one sentence what the panel's controls do that a
// kill does not.
const durabilityLead = "Kill stops a member between two saves, so everything it wrote is on disk; " +
	"a power loss cuts it in the middle of a save, and that save is lost, " +
	"yet every write it acknowledged was already on disk, as Raft requires."

// renderDurability is the Durability panel: where the cluster's data lives
// (IndexedDB or memory, and its notices), the members' disk errors, power
// loss per member or for all, and the reset. Nothing when the engine has no
// storage.
func (p *playground) renderDurability() app.UI {
	s := &p.storage
	if !s.has {
		return app.Text("")
	}
	v := s.view
	status := fmt.Sprintf("Storage: IndexedDB, survives reloads (load %d, members loaded in %v)", v.Epoch, v.LoadTime.Round(time.Millisecond))
	if !v.Persistent {
		status = "Storage: memory only"
	}
	ids := p.memberIDs()
	return app.Section().Class("storage panel durability").Aria("labelledby", "durability-h").
		DataSet("storage", v.Medium).DataSet("epoch", v.Epoch).DataSet("resumed", v.Resumed).DataSet("lost", v.Lost).
		Body(
			app.H2().ID("durability-h").Text("Durability"),
			app.P().Class("lead").ID("durability-lead").Text(durabilityLead),
			app.P().Class("storage-status").Text(status),
			p.renderStorageChoice(v),
			app.If(v.Notice != "", func() app.UI {
				return app.P().Class("error storage-notice").Role("alert").Text(v.Notice)
			}),
			app.Range(v.Disk).Slice(func(i int) app.UI { return p.renderDiskError(v.Disk[i]) }),
			app.Div().Class("row").Role("group").Aria("labelledby", "power-loss-l").Aria("describedby", "durability-lead").Body(
				app.Span().ID("power-loss-l").Text("Power loss:"),
				app.Range(ids).Slice(func(i int) app.UI {
					id := ids[i]
					name := p.view.name(id)
					m, _ := p.view.member(id)
					label := "power loss of " + name
					cut, _ := p.onStorage(label, func(se engine.Storage) error { return se.KillPowerLoss(id) })
					// A member that is down has no power to lose: the button
					// says so with aria-disabled, not disabled, which would
					// drop the keyboard's focus from the button just used.
					return app.Button().Type("button").Class("danger").Aria("disabled", !m.Up()).
						DataSet("action", "kill-power").DataSet("member", id).
						Aria("label", name+": cut its power (its save in flight is lost)").Text(name).
						OnClick(func(ctx app.Context, e app.Event) {
							if m, ok := p.view.member(id); ok && !m.Up() { // at click time
								return
							}
							cut(ctx, e)
						}, app.EventScope(label))
				}),
				app.Button().Type("button").Class("danger").DataSet("action", "kill-all-power").
					Aria("label", "All: cut the power of every member").Text("All").
					OnClick(p.onStorage("power loss of every member", func(se engine.Storage) error { se.KillAllPowerLoss(); return nil })),
			),
			p.renderReset(),
		)
}

func (p *playground) renderDiskError(d engine.DiskErrorView) app.UI {
	name := p.view.name(d.Member)
	kind, text := "other", fmt.Sprintf("%s: storage error: %s", name, d.Err)
	switch {
	case d.Corrupt:
		kind, text = "corrupt", fmt.Sprintf("%s refuses to start: its stored data is corrupt (%s).", name, d.Err)
	case d.Quota:
		kind, text = "quota", fmt.Sprintf("%s stopped: the browser's storage is full (%s). Nothing it stored is damaged, and it still answers "+
			"serializable reads (get --consistency=s) from what it applied. Once there is room (free disk space, or reset the cluster), "+
			"Restart it: it reloads what it stored. If it stops again, the browser may have closed its storage: reload the page.", name, d.Err)
	}
	id := d.Member
	return app.Div().Class("disk-error error").Role("alert").DataSet("member", id).DataSet("kind", kind).Body(
		app.P().Text(text),
		app.If(d.Corrupt, func() app.UI {
			return app.P().Body(
				app.Button().Type("button").Class("danger").DataSet("action", "wipe").DataSet("member", id).
					Aria("label", "wipe "+name+"'s data and restart it").Text("Wipe this member's data").
					OnClick(p.onStorage("wipe "+name+"'s data", func(se engine.Storage) error {
						if err := se.WipeMember(id); err != nil {
							return err
						}
						return p.eng.Restart(id)
					})),
				app.Text(" It restarts empty and catches up from the leader by snapshot, but without its vote: etcd would instead remove the member and add a new one."),
			)
		}),
	)
}

func (p *playground) renderReset() app.UI {
	if !p.storage.confirmReset {
		return app.Div().Class("row").Body(
			app.Button().Type("button").Class("danger").DataSet("action", "reset").Text("Reset cluster…").
				OnClick(func(ctx app.Context, e app.Event) {
					p.storage.confirmReset = true
					p.focusStorageControl("reset-cancel")
				}),
		)
	}
	return app.Div().Class("row").Role("group").Aria("label", "confirm reset").Body(
		app.Span().Text("Delete every member's data and start a new cluster?"),
		app.Button().Type("button").Class("danger").DataSet("action", "reset-confirm").Disabled(p.storage.resetting).
			Text("Delete all and restart").
			OnClick(func(ctx app.Context, e app.Event) {
				se, ok := p.eng.(engine.Storage)
				if !ok || p.storage.resetting {
					return
				}
				p.storage.resetting = true
				ctx.Async(func() {
					err := se.ResetAll()
					ctx.Dispatch(func(ctx app.Context) {
						if err != nil {
							p.storage.resetting = false
							p.notice = "reset cluster: " + err.Error() + " (the cluster is stopped: reload the page)"
							return
						}
						ctx.Reload()
					})
				})
			}),
		app.Button().Type("button").DataSet("action", "reset-cancel").Text("Cancel").
			OnClick(func(ctx app.Context, e app.Event) {
				p.storage.confirmReset = false
				p.focusStorageControl("reset")
			}),
	)
}

// focusStorageControl moves the focus to the control with data-action
// action once the page has re-rendered: a control that replaces the one
// just activated (Reset… and its confirmation) takes the focus over,
// instead of the focus falling back to the page's body. It runs on the
// root component's context: the activated button's own context is gone
// with the button by then. UI goroutine.
func (p *playground) focusStorageControl(action string) {
	if !p.storage.rooted {
		return
	}
	p.storage.root.Defer(func(app.Context) {
		if el := app.Window().Get("document").Call("querySelector", `[data-action="`+action+`"]`); el.Truthy() {
			el.Call("focus")
		}
	})
}

// onStorage is onAct for the storage controls (see onAct on label).
func (p *playground) onStorage(label string, f func(engine.Storage) error) (app.EventHandler, app.EventOption) {
	return p.onAct(label, func(e engine.Engine) error {
		se, ok := e.(engine.Storage)
		if !ok {
			return errors.New("this cluster has no storage controls")
		}
		return f(se)
	})
}

// renderStorageChoice is the link that reloads the page with the other
// storage: memory (storage=memory: faster, as nothing waits for the
// browser's disk, and nothing survives a reload) or IndexedDB (the
// default: every write a member acknowledges is on disk first). Only for a
// cluster on IndexedDB or one the person chose to run in memory (not the
// in-memory fallbacks, which have their own notices).
func (p *playground) renderStorageChoice(v engine.StorageView) app.UI {
	var href, action, text string
	switch {
	case p.page.Memory:
		href, action, text = storageURL(""), "storage-indexeddb", "Store the cluster in IndexedDB (survives reloads)"
	case v.Persistent:
		href, action, text = storageURL("memory"), "storage-memory", "Run a cluster in memory instead (faster; lost on reload)"
	default:
		return app.Text("")
	}
	return app.P().Class("storage-choice").Body(
		// A full load, not go-app's in-page navigation: the engine starts
		// anew with the other storage.
		app.A().Href(href).DataSet("action", action).Text(text).
			OnClick(func(ctx app.Context, e app.Event) {
				e.PreventDefault()
				app.Window().Get("location").Set("href", href)
			}),
	)
}

// storageURL is the page's URL with storage= set to value ("" removes it).
func storageURL(value string) string {
	u := *app.Window().URL()
	q := u.Query()
	if value == "" {
		q.Del("storage")
	} else {
		q.Set("storage", value)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

package app

import (
	"fmt"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The Settings panel: raft's live settings (engine.Settable), one labelled
// input per setting carrying data-setting (the URL parameter's name,
// settings_params.go) and data-current (the value in force, as the engine
// reports it), and an Apply button (data-action="apply-settings"; Enter in
// a field applies too). Each typed value is checked, then the whole set
// (node.Settings.Validate), before anything is sent; an error names the
// setting. Snapshot counts and the unsafe switch (unsafe-local-reads: a
// leader answers linearizable reads locally, a fault to see the Check
// panel catch) take effect at the next tick; raft's settings
// make the members restart one at a time, which the panel says while it
// lasts (data-restarting lists the members still to restart).

// settingsForm is what was typed in the panel since the last Apply, by
// setting name (absent: the field shows the value in force), and the last
// error. UI goroutine.
type settingsForm struct {
	typed map[string]string
	err   string
}

// settingFields are the panel's inputs, in order: name, label, whether a
// checkbox, a hint for the number fields.
var settingFields = []struct {
	name, label string
	check       bool
	hint        string
}{
	{"pre-vote", "PreVote", true, ""},
	{"check-quorum", "CheckQuorum", true, ""},
	{"election-ticks", "election ticks", false, "2 to 1000"},
	{"heartbeat-ticks", "heartbeat ticks", false, "below election ticks"},
	{"snapshot-count", "snapshot count", false, "entries between snapshots"},
	{"catch-up-count", "catch-up count", false, "entries kept behind a snapshot"},
	{"max-inflight", "max inflight messages", false, "appends in flight per follower"},
	{"max-size", "max size per append (bytes)", false, "bytes of entries per append"},
	{"unsafe-local-reads", "unsafe local reads", true, ""},
}

// unsafeWarning explains the unsafe switch next to it (its checkbox's
// aria-describedby).
// The label stays short (it fits one line on a phone); the warning names
// the switch in full first.
const unsafeWarning = "Unsafe: the leader answers linearizable reads locally. " +
	"It answers them from its own store without asking a quorum " +
	"(no ReadIndex), so a leader cut off from the majority (with check-quorum off it keeps leading) serves stale " +
	"values. This breaks linearizability on purpose: use Check in the Check panel to see it caught."

// settingsTyped is the settings the form asks for: the values in force
// with the typed ones over them, checked one by one, then together.
func (p *playground) settingsTyped() (engine.Settings, error) {
	s := p.view.settings
	for _, f := range settingFields {
		v, ok := p.settings.typed[f.name]
		if !ok {
			continue
		}
		for _, sp := range settingParams {
			if sp.name == f.name && !sp.set(&s, strings.TrimSpace(v)) {
				return s, fmt.Errorf("%s %q: must be a whole number", f.name, v)
			}
		}
	}
	return s, s.Validate()
}

func (p *playground) setTyped(name, v string) {
	if p.settings.typed == nil {
		p.settings.typed = map[string]string{}
	}
	p.settings.typed[name] = v
}

// applySettings sends the form's settings. UI goroutine.
func (p *playground) applySettings(ctx app.Context) {
	s, err := p.settingsTyped()
	if err != nil {
		p.settings.err = err.Error()
		return
	}
	p.settings.err, p.settings.typed = "", nil
	p.act(ctx, "settings", func(e engine.Engine) error {
		se, ok := e.(engine.Settable)
		if !ok {
			return fmt.Errorf("this cluster's settings cannot change while it runs")
		}
		return se.SetSettings(s)
	})
}

func (p *playground) renderSettingsPanel() app.UI {
	v := p.view
	shown := v.settings
	if !v.settable {
		// No engine yet (and the pre-rendered page): the defaults the
		// page starts its cluster with, so the pre-rendered form says
		// what the live one will.
		shown = engine.DefaultPageSettings()
	}
	var fields []app.UI
	for _, f := range settingFields {
		id := "setting-" + f.name
		current := settingValue(shown, f.name)
		typed, edited := p.settings.typed[f.name]
		name := f.name
		in := app.Input().ID(id).DataSet("setting", f.name).DataSet("current", current).Disabled(!v.settable)
		if f.check {
			checked := current == "1"
			if edited {
				checked = typed == "1"
			}
			in = in.Type("checkbox").Checked(checked).OnChange(func(ctx app.Context, e app.Event) {
				p.setTyped(name, onOff(ctx.JSSrc().Get("checked").Bool()))
			})
			if name == "unsafe-local-reads" {
				fields = append(fields, app.Div().Class("field-unsafe").Body(
					app.Span().Class("field-inline").Body(in.Aria("describedby", id+"-warning"), app.Label().For(id).Text(f.label)),
					app.P().ID(id+"-warning").Class("warning").Text(unsafeWarning),
				))
				continue
			}
			fields = append(fields, app.Span().Class("field-inline").Body(in, app.Label().For(id).Text(f.label)))
			continue
		}
		value := current
		if edited {
			value = typed
		}
		in = in.Type("number").Min(1).Step(1).Value(value).Title(f.hint).
			OnInput(func(ctx app.Context, e app.Event) { p.setTyped(name, inputValue(ctx)) })
		fields = append(fields, app.Span().Class("field-inline").Body(app.Label().For(id).Text(f.label), in))
	}
	restarting := ""
	if len(v.restarting) > 0 {
		ids := make([]string, len(v.restarting))
		for i, id := range v.restarting {
			ids[i] = itoa(id)
		}
		restarting = strings.Join(ids, ",")
	}
	return app.Section().Class("panel settings-panel").Aria("labelledby", "settings-h").
		DataSet("restarting", restarting).Body(
		app.H2().ID("settings-h").Text("Raft settings"),
		app.Form().OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			p.applySettings(ctx)
		}).Body(
			app.Div().Class("row settings-fields").Body(fields...),
			app.Div().Class("row").Body(
				app.Button().Type("submit").DataSet("action", "apply-settings").Disabled(!v.settable).Text("Apply settings"),
			),
		),
		app.If(p.settings.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(p.settings.err) }),
		app.P().Class("muted").Role("status").Text(restartText(v.restarting)),
	)
}

// restartText says what a settings change is doing to the members.
func restartText(restarting []uint64) string {
	if len(restarting) == 0 {
		return "Snapshot counts apply at once; the other settings are raft's, read only when a member starts, so applying them restarts the members one at a time."
	}
	return fmt.Sprintf("Restarting the members one at a time to apply raft's new settings (raft reads them only at start): member %d now, %d to go.",
		restarting[0], len(restarting)-1)
}

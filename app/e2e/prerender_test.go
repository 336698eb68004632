//go:build browser

package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The pre-rendered index.html (what a visitor sees until the wasm mounts,
// and all a crawler reads) means in HTML what the page renders: parsed by
// the browser's own HTML parser (DOMParser, no script run), each select
// has the option the mounted page chose, each checkbox the mounted page's
// state, no control is disabled by an attribute the page set to false, no
// aria attribute is empty where the page set "true", and attribute values
// with quotes survive; the mounted page shows the same choices.
func TestPrerenderedPageMeansWhatItSays(t *testing.T) {
	tb := newTab(t, time.Minute)
	tb.waitLeader()
	var got struct {
		Selects    []struct{ ID, Parsed, Live string }
		Checkboxes []struct {
			ID           string
			Parsed, Live bool
		}
		FalseBooleans []string // elements whose boolean attribute says "false" (true in HTML)
		EmptyAria     []string // aria attributes without a value
		Placeholder   struct{ Parsed, Live string }
		StartStress   struct{ Parsed, Live bool } // disabled
	}
	tb.run(chromedp.Evaluate(`(async () => {
		const html = await (await fetch(location.href, {cache: 'no-store'})).text();
		const doc = new DOMParser().parseFromString(html, 'text/html');
		const live = (id) => document.getElementById(id);
		const out = {selects: [], checkboxes: [], falseBooleans: [], emptyAria: []};
		for (const s of doc.querySelectorAll('select[id]')) {
			if (live(s.id) && s.options.length > 0) out.selects.push({id: s.id, parsed: s.value, live: live(s.id).value});
		}
		for (const c of doc.querySelectorAll('input[type=checkbox][id]')) {
			if (live(c.id)) out.checkboxes.push({id: c.id, parsed: c.checked, live: live(c.id).checked});
		}
		for (const e of doc.querySelectorAll('*')) {
			for (const a of e.attributes) {
				const tag = e.outerHTML.slice(0, 100);
				if (['selected', 'checked', 'disabled', 'hidden', 'required', 'readonly'].includes(a.name) && a.value === 'false') out.falseBooleans.push(tag);
				if (a.name.startsWith('aria-') && a.value === '') out.emptyAria.push(tag);
			}
		}
		out.placeholder = {parsed: doc.getElementById('console-input').placeholder, live: live('console-input').placeholder};
		const stress = (d) => d.querySelector('button[data-action="stress"]').disabled;
		out.startStress = {parsed: stress(doc), live: stress(document)};
		return out;
	})()`, &got, awaitPromise))
	if len(got.Selects) < 3 {
		t.Fatalf("found %d selects in the pre-rendered page: %+v", len(got.Selects), got.Selects)
	}
	for _, s := range got.Selects {
		if s.Parsed != s.Live {
			t.Errorf("#%s: the pre-rendered page selects %q, the page chose %q", s.ID, s.Parsed, s.Live)
		}
	}
	for _, c := range got.Checkboxes {
		if c.Parsed != c.Live {
			t.Errorf("#%s: pre-rendered checked=%v, the page has %v", c.ID, c.Parsed, c.Live)
		}
	}
	if got.StartStress.Parsed && !got.StartStress.Live {
		t.Error("Start stress is disabled in the pre-rendered page and enabled on the page")
	}
	if len(got.FalseBooleans) > 0 {
		t.Errorf("%d elements have a boolean attribute set to \"false\" (true in HTML), e.g. %q", len(got.FalseBooleans), got.FalseBooleans[0])
	}
	if len(got.EmptyAria) > 0 {
		t.Errorf("%d aria attributes are empty in the pre-rendered page, e.g. %q", len(got.EmptyAria), got.EmptyAria[0])
	}
	if got.Placeholder.Parsed != got.Placeholder.Live {
		t.Errorf("the console's placeholder pre-renders as %q, the page shows %q", got.Placeholder.Parsed, got.Placeholder.Live)
	}

	// The mounted page keeps the choices it made, as properties.
	var live struct {
		Speed, Consistency string
		Prefix, Stress     bool
	}
	tb.eval(`({speed: document.getElementById('speed').value, consistency: document.getElementById('write-consistency').value,
		prefix: document.getElementById('write-prefix').checked,
		stress: document.querySelector('button[data-action="stress"]').disabled})`, &live)
	if live.Speed != "20" || live.Consistency != "l" || live.Prefix || live.Stress {
		t.Errorf("the mounted page: %+v, want speed 20, linearizable, prefix unchecked, Start stress enabled", live)
	}
	t.Logf("pre-rendered vs live: %+v", got.Selects)
}

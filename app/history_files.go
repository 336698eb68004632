package app

import (
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The timeline panel's browser glue (timeline_panel.go): saving a history
// file, reading one the person chose, copying a link and the page's own
// URL. Natively (tests, pre-rendering) go-app's values do nothing.

// saveFile offers data to the person as a download named name.
func saveFile(name, mime string, data []byte) {
	w := app.Window()
	arr := w.Get("Uint8Array").New(len(data))
	app.CopyBytesToJS(arr, data)
	blob := w.Get("Blob").New([]any{arr}, map[string]any{"type": mime})
	url := w.Get("URL").Call("createObjectURL", blob)
	a := w.Get("document").Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	a.Call("click")
	w.Get("URL").Call("revokeObjectURL", url)
}

// readChosenFile reads the first file of the file input el, at most max
// bytes, and blocks until it is read. Call it from a goroutine of its own
// (it waits for a browser callback).
func readChosenFile(el app.Value, max int) (name string, data []byte, err error) {
	files := el.Get("files")
	if !files.Truthy() || files.Get("length").Int() == 0 {
		return "", nil, errors.New("no file was chosen")
	}
	f := files.Index(0)
	name = f.Get("name").String()
	if size := f.Get("size").Int(); size > max {
		return name, nil, errors.New(name + " is larger than a history file may be (" + itoa(uint64(max>>20)) + " MB)")
	}
	done := make(chan struct{})
	var buf app.Value
	var failed string
	ok := app.FuncOf(func(_ app.Value, args []app.Value) any { buf = args[0]; close(done); return nil })
	bad := app.FuncOf(func(_ app.Value, args []app.Value) any {
		failed = args[0].Call("toString").String()
		close(done)
		return nil
	})
	defer ok.Release()
	defer bad.Release()
	f.Call("arrayBuffer").Call("then", ok, bad)
	<-done
	if failed != "" {
		return name, nil, errors.New("reading " + name + ": " + failed)
	}
	arr := app.Window().Get("Uint8Array").New(buf)
	data = make([]byte, arr.Get("length").Int())
	app.CopyBytesToGo(data, arr)
	return name, data, nil
}

// copyText puts s on the clipboard when the browser lets the page (it may
// refuse without a gesture or permission: the link is shown either way).
func copyText(s string) {
	cb := app.Window().Get("navigator").Get("clipboard")
	if !cb.Truthy() {
		return
	}
	noop := app.FuncOf(func(app.Value, []app.Value) any { return nil })
	cb.Call("writeText", s).Call("catch", noop) // noop stays: the promise may settle late
}

// pageURL is the page's address without its fragment.
func pageURL() string {
	loc := app.Window().Get("location")
	if !loc.Truthy() {
		return ""
	}
	return loc.Get("origin").String() + loc.Get("pathname").String() + loc.Get("search").String()
}

// pageFragment is the page's fragment, without '#'.
func pageFragment() string {
	loc := app.Window().Get("location")
	if !loc.Truthy() {
		return ""
	}
	h := loc.Get("hash").String()
	if len(h) > 0 && h[0] == '#' {
		h = h[1:]
	}
	return h
}

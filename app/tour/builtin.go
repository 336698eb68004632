package tour

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

// The built-in tours: every tours/*.tour file, embedded in the binary
// (the hidden placeholder keeps the directory embeddable while it holds
// no tour).
//
//go:embed all:tours
var builtinFS embed.FS

var builtin struct {
	once  sync.Once
	tours []*Tour
	err   error
}

// Builtin returns the built-in tours, parsed once, sorted by file name
// (name the files 01-elections.tour, ... to order them). A malformed
// tour or two tours with the same name is an error; the page shows it in
// its tour menu, and builtin_test.go fails on it.
func Builtin() ([]*Tour, error) {
	builtin.once.Do(func() { builtin.tours, builtin.err = loadBuiltin(builtinFS, "tours") })
	return builtin.tours, builtin.err
}

// loadBuiltin parses every *.tour file in dir of fsys.
func loadBuiltin(fsys fs.FS, dir string) ([]*Tour, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var tours []*Tour
	files := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tour") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		t, err := Parse(e.Name(), data)
		if err != nil {
			return nil, err
		}
		if other, ok := files[t.Name]; ok {
			return nil, fmt.Errorf("tours %s and %s are both named %q", other, e.Name(), t.Name)
		}
		files[t.Name] = e.Name()
		tours = append(tours, t)
	}
	return tours, nil
}

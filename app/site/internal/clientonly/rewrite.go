package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// cutImport is the import whose users are cut.
const cutImport = "net/http"

// rewrite copies the module at src to out and cuts, in its package pkg (a
// path relative to src), what needs cutImport (see the command's doc). It
// returns the declarations cut, as "file: name" lines in file order.
func rewrite(src, out, pkg string) ([]string, error) {
	if err := copyTree(src, out); err != nil {
		return nil, err
	}
	dir := filepath.Join(out, filepath.FromSlash(pkg))
	fset := token.NewFileSet()
	files, err := parseUsers(fset, dir)
	if err != nil {
		return nil, err
	}
	cut := cutDecls(fset, files)
	for _, f := range files {
		dropUnusedImports(f.ast)
		var buf bytes.Buffer
		if err := format.Node(&buf, fset, f.ast); err != nil {
			return nil, fmt.Errorf("printing %s: %w", f.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), buf.Bytes(), 0o644); err != nil {
			return nil, err
		}
	}
	return cut, nil
}

// copyTree copies every regular file under src to the same place under
// out (which must not exist), writable.
func copyTree(src, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists", out)
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(out, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
}

// file is one of the package's files that the js/wasm build compiles and
// that imports cutImport.
type file struct {
	name string
	ast  *ast.File
}

// parseUsers parses dir's non-test files that GOOS=js GOARCH=wasm builds
// and that import cutImport, sorted by name.
func parseUsers(fset *token.FileSet, dir string) ([]file, error) {
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = "js", "wasm", false
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []file
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := ctx.MatchFile(dir, name); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		if importName(f, cutImport) != "" {
			files = append(files, file{name, f})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	return files, nil
}

// cutDecls removes, from files, every top-level declaration that uses
// cutImport or a declaration already cut, until none does. "Uses" is by
// name, within the package:
//   - a function, type, variable or constant that was cut is used by any
//     identifier with its name (bare, as the package refers to its own);
//   - a method that was cut is used by any selector x.Name with its name;
//   - a method whose receiver's type was cut is cut with it.
//
// Matching by name over-approximates (a local variable or a field named
// like a cut function is a use), which can only cut more, and the
// result's compile fails if it cut what another file needs.
func cutDecls(fset *token.FileSet, files []file) []string {
	names, methods := map[string]bool{}, map[string]bool{}
	localName := map[*ast.File]string{} // the name cutImport is imported as, per file
	for _, f := range files {
		localName[f.ast] = importName(f.ast, cutImport)
	}
	uses := func(f *ast.File, d ast.Decl) bool {
		found := false
		ast.Inspect(d, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && id.Name == localName[f] {
					found = true
				}
				if methods[n.Sel.Name] {
					found = true
				}
				ast.Inspect(n.X, func(m ast.Node) bool {
					if id, ok := m.(*ast.Ident); ok && names[id.Name] {
						found = true
					}
					return true
				})
				return false // Sel is a field or method name, not a top-level one
			case *ast.Ident:
				if names[n.Name] {
					found = true
				}
			}
			return !found
		})
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && names[receiverType(fd)] {
			found = true
		}
		return found
	}
	var cut []string
	for changed := true; changed; {
		changed = false
		for _, f := range files {
			kept := f.ast.Decls[:0]
			for _, d := range f.ast.Decls {
				if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT || !uses(f.ast, d) {
					kept = append(kept, d)
					continue
				}
				changed = true
				for _, n := range declNames(d) {
					if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
						methods[n] = true
					} else {
						names[n] = true
					}
				}
				cut = append(cut, fmt.Sprintf("%s: %s", f.name, describe(d)))
			}
			f.ast.Decls = kept
		}
	}
	return cut
}

// importName is the name f refers to path by ("" if it does not import it).
func importName(f *ast.File, path string) string {
	for _, is := range f.Imports {
		if p, name := importedAs(is); p == path {
			return name
		}
	}
	return ""
}

// importedAs is an import's path and the name the file refers to it by.
func importedAs(is *ast.ImportSpec) (path, name string) {
	path, _ = strconv.Unquote(is.Path.Value)
	if is.Name != nil {
		return path, is.Name.Name
	}
	return path, path[strings.LastIndex(path, "/")+1:]
}

// receiverType is a method's receiver's type name.
func receiverType(fd *ast.FuncDecl) string {
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok { // generic receiver
		t = ix.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// declNames are the names a declaration declares.
func declNames(d ast.Decl) []string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return []string{d.Name.Name}
	case *ast.GenDecl:
		var s []string
		for _, sp := range d.Specs {
			switch sp := sp.(type) {
			case *ast.TypeSpec:
				s = append(s, sp.Name.Name)
			case *ast.ValueSpec:
				for _, n := range sp.Names {
					s = append(s, n.Name)
				}
			}
		}
		return s
	}
	return nil
}

// describe names a declaration for the cut list: "func F", "method T.M",
// "type T", "var a, b".
func describe(d ast.Decl) string {
	if fd, ok := d.(*ast.FuncDecl); ok {
		if fd.Recv != nil {
			return "method " + receiverType(fd) + "." + fd.Name.Name
		}
		return "func " + fd.Name.Name
	}
	return d.(*ast.GenDecl).Tok.String() + " " + strings.Join(declNames(d), ", ")
}

// dropUnusedImports removes the imports f no longer refers to (blank and
// dot imports stay).
func dropUnusedImports(f *ast.File) {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if se, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := se.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	var kept []*ast.ImportSpec
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		specs := gd.Specs[:0]
		for _, s := range gd.Specs {
			is := s.(*ast.ImportSpec)
			if _, name := importedAs(is); name == "_" || name == "." || used[name] {
				specs = append(specs, s)
				kept = append(kept, is)
			}
		}
		gd.Specs = specs
	}
	f.Imports = kept
}

//go:build !wasm

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

const usage = `usage:
  etcd-play serve [-addr localhost:8000]
  etcd-play build [-out build] [-base /etcd-play] [-version v]`

// runNative runs the native commands; in the browser main never gets here.
func runNative(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("missing command\n" + usage)
	}
	switch args[0] {
	case "serve":
		fl := flag.NewFlagSet("serve", flag.ContinueOnError)
		addr := fl.String("addr", "localhost:8000", "listen address")
		if err := fl.Parse(args[1:]); err != nil {
			return err
		}
		return serve(*addr, stdout)
	case "build":
		fl := flag.NewFlagSet("build", flag.ContinueOnError)
		out := fl.String("out", "build", "output directory")
		base := fl.String("base", "/etcd-play", "URL path prefix the site is served under (\"\" or / for the root)")
		ver := fl.String("version", version, "version shown on the page and used by the service worker")
		if err := fl.Parse(args[1:]); err != nil {
			return err
		}
		version = *ver // what the pre-rendered page shows
		if err := build(*out, *base, *ver); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "static site in %s (base %q, version %s)\n", *out, normBase(*base), *ver)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
}

// handler describes the page. Every resource is local (no request leaves
// the site); base is the URL prefix ("" for the root).
func handler(base, ver string) *app.Handler {
	h := &app.Handler{
		Name:            "etcd-play",
		ShortName:       "etcd-play",
		Title:           "etcd playground",
		Description:     "Five real etcd raft members running in your browser: kill them, cut the network, write keys.",
		Icon:            app.Icon{Default: "/web/icon.png", Large: "/web/icon.png", SVG: "/web/icon.svg"},
		Styles:          []string{"/web/app.css"},
		LoadingLabel:    "Loading etcd-play… {progress}%",
		Version:         ver,
		ThemeColor:      "#1f2a44",
		BackgroundColor: "#f6f7fb",
	}
	if base != "" {
		h.Resources = app.PrefixedLocation(base)
	}
	return h
}

func normBase(base string) string {
	base = "/" + strings.Trim(base, "/")
	if base == "/" {
		return ""
	}
	return base
}

func serve(addr string, stdout io.Writer) error {
	if _, err := os.Stat(filepath.Join("web", "app.wasm")); err != nil {
		return fmt.Errorf("web/app.wasm is missing (run `make wasm` first): %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "etcd-play %s: http://%s/\n", version, ln.Addr())
	return http.Serve(ln, handler("", version))
}

// build generates the static site into out and copies web/ (app.wasm
// included, which GenerateStaticWebsite does not copy) into out/web.
func build(out, base, ver string) error {
	if _, err := os.Stat(filepath.Join("web", "app.wasm")); err != nil {
		return fmt.Errorf("web/app.wasm is missing (run `make wasm` first): %w", err)
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := app.GenerateStaticWebsite(out, handler(normBase(base), ver)); err != nil {
		return fmt.Errorf("generating the static site: %w", err)
	}
	return copyDir("web", filepath.Join(out, "web"))
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

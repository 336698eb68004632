//go:build !wasm

package site

import (
	"fmt"
	"net/url"
	"strings"
)

// The link preview tags need absolute URLs. go-app writes og:url as
// "https://" + Handler.Domain + the page's path and og:image as the same
// prefix + Handler.Image: with neither set they are "https:///etcd-play" and
// "https://", which a link preview takes for real. The build writes them
// from the site's deployed URL (build -url) or leaves them out.

// siteImage is the page's og:image, relative to the site's URL.
const siteImage = "web/icon.png"

// parseSiteURL checks the -url flag: "" (no deployed URL known), or the
// absolute http(s) URL the site is served at, whose path is base (the
// -base flag, normalised by normBase). It returns the URL with a trailing
// slash.
func parseSiteURL(raw, base string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("-url %q: want the site's absolute URL, e.g. https://owner.github.io/etcd-play/", raw)
	}
	if got := normBase(u.Path); got != base {
		return "", fmt.Errorf("-url %q is served under %q but -base is %q: the site's URL must end in its base", raw, "/"+strings.Trim(got, "/"), "/"+strings.Trim(base, "/"))
	}
	u.Path = base + "/"
	u.RawPath = ""
	return u.String(), nil
}

// socialTags is the rewrite of the pre-rendered page's link preview tags
// for a site at siteURL (parseSiteURL's form; "" drops them). pagePath is
// the page's path under the site ("" for its root).
func socialTags(siteURL, pagePath string) rewriteTag {
	return func(t *startTag) bool {
		if t.name != "meta" {
			return true
		}
		prop, _ := t.get("property")
		var abs string
		switch prop {
		case "og:url":
			abs = siteURL + strings.TrimPrefix(pagePath, "/")
		case "og:image":
			abs = siteURL + siteImage
		default:
			return true
		}
		if siteURL == "" {
			return false
		}
		for i := range t.attrs {
			if t.attrs[i].name == "content" {
				t.attrs[i].value = abs
			}
		}
		return true
	}
}

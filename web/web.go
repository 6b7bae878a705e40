// Package web embeds the page frontline serves at /: the map of the
// advance, as ES modules under js/ that the browser loads as they are (no
// bundler). Leaflet is not committed: `make assets` installs it from npm
// (pinned in package-lock.json) into vendor/ before the binary is built.
package web

import "embed"

// FS holds the page's files.
//
//go:embed index.html app.css favicon.svg js all:vendor
var FS embed.FS

// Package web embeds the page frontline serves at /: the map of the
// advance. Leaflet is not committed: `make assets` installs it from npm
// (pinned in package-lock.json) into vendor/ before the binary is built.
package web

import "embed"

// FS holds the page's files.
//
//go:embed index.html app.js app.css all:vendor
var FS embed.FS

// Package web embeds the pages frontline serves: the map of the advance
// at / and the review of news claims at /review, as ES modules under js/
// that the browser loads as they are (no bundler). Leaflet is not
// committed: `make assets` installs it from npm (pinned in
// package-lock.json) into vendor/ before the binary is built.
package web

import "embed"

// FS holds the pages' files.
//
//go:embed index.html review.html app.css review.css favicon.svg js all:vendor
var FS embed.FS

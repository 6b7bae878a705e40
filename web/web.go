// Package web embeds the page frontline serves at /.
package web

import "embed"

// FS holds the page's files.
//
//go:embed index.html
var FS embed.FS

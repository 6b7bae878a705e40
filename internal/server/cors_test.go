package server

import (
	"strings"
	"testing"
)

func TestValidHeaderList(t *testing.T) {
	for v, want := range map[string]bool{
		"":                                true,
		"x-client":                        true,
		"if-none-match,range,x-client":    true,
		"If-None-Match, X-Requested-With": true,
		strings.Repeat("x", 1024):         true,
		strings.Repeat("x", 1025):         false,
		"x-client,":                       false,
		",x-client":                       false,
		"x client":                        false,
		"x-client\r\nx-other":             false,
		"x:client":                        false,
		`"x"`:                             false,
	} {
		if got := validHeaderList(v); got != want {
			t.Errorf("validHeaderList(%.40q) = %v, want %v", v, got, want)
		}
	}
}

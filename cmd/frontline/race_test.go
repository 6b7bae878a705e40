//go:build race

package main

// raceDetector is true when the tests run under -race; make test runs the
// swap test that way.
const raceDetector = true

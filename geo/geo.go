// Package geo holds frontline's domain: places, matches from the gazetteer,
// and the error codes the adapters translate into their own protocols.
//
// It knows nothing of HTTP or SQL; adapters live under internal/ and import
// this package, never the other way round.
package geo

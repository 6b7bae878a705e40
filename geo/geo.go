// Package geo holds frontline's domain: the gazetteer's places and the
// matches found in it; the factions; control changes with their sources,
// the keyframes they make and the territory each faction held; the answer
// to "who controlled this point then, and says who?"; the instants the
// API and files use; and the error codes every adapter translates into its
// own protocol.
//
// It knows nothing of HTTP or SQL; adapters live under internal/ and import
// this package, never the other way round.
package geo

package geo

import (
	"errors"
	"fmt"
)

// Error codes shared by every adapter. The HTTP server maps each to one
// status; the CLI prints the message.
const (
	EINVALID      = "invalid"      // the caller's input is malformed or out of range
	ENOTFOUND     = "not_found"    // nothing matches
	ECONFLICT     = "conflict"     // the write contradicts what is stored
	EINTERNAL     = "internal"     // a fault of ours, never the caller's
	EUNAVAILABLE  = "unavailable"  // not ready yet; try again
	EUNAUTHORIZED = "unauthorized" // a write without the right credentials
	EFORBIDDEN    = "forbidden"    // a write where none is allowed
	ETOOLARGE     = "too_large"    // the input is larger than is accepted
)

// Error is an application error: a code from the list above and a message
// meant for the person who made the request.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("geo: %s: %s", e.Code, e.Message)
}

// Errorf returns an [Error] with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first [Error] in err's chain, or
// EINTERNAL when there is none: an unexpected error is our fault.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first [Error] in err's chain, or
// "Internal error." so that internal details never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

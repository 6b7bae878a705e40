package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"syscall"

	"frontline/geo"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	geo.EINVALID:      http.StatusBadRequest,
	geo.ENOTFOUND:     http.StatusNotFound,
	geo.ECONFLICT:     http.StatusConflict,
	geo.EINTERNAL:     http.StatusInternalServerError,
	geo.EUNAVAILABLE:  http.StatusServiceUnavailable,
	geo.EUNAUTHORIZED: http.StatusUnauthorized,
	geo.EFORBIDDEN:    http.StatusForbidden,
	geo.ETOOLARGE:     http.StatusRequestEntityTooLarge,
}

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance,omitempty"`
}

// writeProblem answers with the status and a human-readable detail as
// application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json") // nosniff: see securityHeaders
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(Problem{
		Type: "about:blank", Title: http.StatusText(status), Status: status,
		Detail: detail, Instance: r.URL.Path,
	})
}

// writeError answers with the problem err stands for. Internal errors are
// logged and shown to the client only as "Internal error.".
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(r, err) {
		// Nobody is left to answer, and a flood of these must not
		// flood the log.
		s.Logger.Debug("client gone", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
		return
	}
	if errors.Is(err, context.DeadlineExceeded) && r.Context().Err() != nil {
		// The request's own deadline passed while it waited on the
		// store: the service is busy, and a later try may pass.
		w.Header().Set("Retry-After", retryAfter)
		writeProblem(w, r, http.StatusServiceUnavailable, "this request took longer than the service allows; try again in "+retryAfter+" seconds")
		return
	}
	code := geo.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	switch {
	case status == http.StatusServiceUnavailable:
		// A refusal under load or while starting: expected, and a flood
		// of them must not flood the log.
		s.Logger.Debug("request refused", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	case status >= 500:
		s.Logger.Error("request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	writeProblem(w, r, status, geo.ErrorMessage(err))
}

// clientGone reports whether err says only that the client went away
// while it was being answered: it closed or reset the connection, gave
// up (its request's context is canceled), or read too slowly for the
// write timeout.
func clientGone(r *http.Request, err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, http.ErrAbortHandler) ||
		(errors.Is(err, context.Canceled) && r.Context().Err() != nil)
}

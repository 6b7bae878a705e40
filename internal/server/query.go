package server

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// checkQuery answers 400 for a request whose query cannot be read as
// the client wrote it: a broken escape (%zz), a semicolon separator, a
// NUL or bytes that are not UTF-8 in a name or value. r.URL.Query()
// silently drops a pair it cannot decode, so without this a handler
// would answer as if the parameter had not been given.
func checkQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" {
			if detail := queryProblem(r.URL.RawQuery); detail != "" {
				writeProblem(w, r, http.StatusBadRequest, detail)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// queryValue returns the first value of name in raw, a query checkQuery
// has let through, as url.Values.Get would, without building the map.
func queryValue(raw, name string) string {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue // as ParseQuery: "a&&b" holds no empty name
		}
		key, value, _ := strings.Cut(pair, "=")
		if strings.ContainsAny(key, "%+") {
			key, _ = url.QueryUnescape(key)
		}
		if key != name {
			continue
		}
		if strings.ContainsAny(value, "%+") {
			value, _ = url.QueryUnescape(value)
		}
		return value
	}
	return ""
}

// jsonContentType is the Content-Type header of JSON answers, shared.
var jsonContentType = []string{"application/json"}

// queryProblem says what is wrong with a raw query, "" when nothing is.
func queryProblem(raw string) string {
	if !strings.ContainsAny(raw, "%;") && textProblem(raw) == "" {
		// Nothing to unescape, nothing ParseQuery refuses, and the raw
		// bytes, which are what the names and values hold ('+' aside),
		// are clean: the common case, without building the map.
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "the query is malformed (" + err.Error() + "): escape '%' as %25 and separate parameters with '&'"
	}
	for k, vs := range q {
		if problem := textProblem(k); problem != "" {
			return "a query parameter name " + problem
		}
		for _, v := range vs {
			if problem := textProblem(v); problem != "" {
				return "query parameter " + k + " " + problem
			}
		}
	}
	return ""
}

func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL"
	}
	return ""
}

package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

func TestCheckQuery(t *testing.T) {
	reached := 0
	ts := httptest.NewServer(checkQuery(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached++
		w.WriteHeader(http.StatusNoContent)
	})))
	defer ts.Close()
	cases := []struct {
		name, query string
		status      int
	}{
		{"none", "", 204},
		{"plain", "limit=5&offset=10", 204},
		{"escaped", "q=%D8%AD%D9%85%D8%B5&datetime=2024-12-05T10%3A00%3A00Z", 204},
		{"plus is space", "q=Deir+ez-Zor", 204},
		{"empty value", "bbox=&f", 204},
		{"broken escape value", "limit=%zz", 400},
		{"broken escape name", "%zz=1", 400},
		{"truncated escape", "q=abc%2", 400},
		{"bad escape after good pair", "limit=5&offset=%g0", 400},
		{"semicolon", "limit=5;offset=10", 400},
		{"NUL escaped", "q=Hama%00", 400},
		{"NUL in name", "q%00=Hama", 400},
		{"invalid UTF-8", "q=%FF%FE", 400},
		{"overlong UTF-8", "q=%C0%AF", 400},
		{"lone surrogate", "q=%ED%A0%80", 400},
		{"invalid UTF-8 name", "%FF=1", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := reached
			u := ts.URL + "/x"
			if c.query != "" {
				u += "?" + c.query
			}
			res, err := http.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, c.status, body)
			}
			if c.status == 204 {
				if reached != before+1 {
					t.Error("the handler was not reached")
				}
				return
			}
			if reached != before {
				t.Error("the handler was reached")
			}
			var p Problem
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			if err := json.Unmarshal(body, &p); err != nil || p.Status != 400 || p.Detail == "" {
				t.Errorf("problem %s: %v", body, err)
			}
		})
	}
}

// queryValue reads a vetted query as url.Values.Get does; checkQuery's
// fast path lets through exactly what its slow path would.
func FuzzQueryValue(f *testing.F) {
	for _, raw := range []string{
		"lon=37.16&lat=36.2&at=2024-12-01T00:00:00Z", "lon=1&lon=2", "lat=&lon", "l%6Fn=5&lat=%2B3", "at=2024-12-01T00:00:00%2B02:00",
		"q=Al+Qaim", "lon=1;lat=2", "lon=%zz", "a=b&&c=d", "=x&lon=3", "lon=\xff", "lon=1%00",
	} {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		slow := ""
		if err != nil {
			slow = "malformed"
		} else {
			for k, vs := range q {
				if textProblem(k) != "" {
					slow = "bad"
				}
				for _, v := range vs {
					if textProblem(v) != "" {
						slow = "bad"
					}
				}
			}
		}
		if (queryProblem(raw) == "") != (slow == "") {
			t.Fatalf("queryProblem(%q) = %q, the full parse says %q", raw, queryProblem(raw), slow)
		}
		if slow != "" {
			return
		}
		for _, name := range []string{"lon", "lat", "at", "q", ""} {
			if got, want := queryValue(raw, name), q.Get(name); got != want {
				t.Fatalf("queryValue(%q, %q) = %q, url.Values.Get %q", raw, name, got, want)
			}
		}
	})
}

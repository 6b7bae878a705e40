package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The base of the links, as the server works it out, over loopback: a
// handler answers with s.baseURL(r).
func TestPublicBase(t *testing.T) {
	start := func(opts ...Option) string {
		s := &Server{}
		for _, o := range opts {
			o(s)
		}
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, s.baseURL(r)) }))
		t.Cleanup(ts.Close)
		return ts.URL
	}
	plain := struct{ URL string }{start()} // how a server without the options answers
	trusting := start(WithTrustProxy(true))
	based := start(WithBaseURL("https://maps.example.org/frontline"), WithTrustProxy(true))

	cases := []struct {
		name   string
		server string
		header map[string]string
		want   string // "" is the request's own scheme and host
	}{
		{"untrusted headers are ignored", plain.URL, map[string]string{"Forwarded": "proto=https;host=evil.example", "X-Forwarded-Host": "evil.example"}, ""},
		{"no headers", trusting, nil, ""},
		{"Forwarded", trusting, map[string]string{"Forwarded": `for=192.0.2.60;proto=https;host=maps.example.org`}, "https://maps.example.org"},
		{"Forwarded quoted host with port", trusting, map[string]string{"Forwarded": `host="maps.example.org:8443";proto=HTTPS`}, "https://maps.example.org:8443"},
		{"Forwarded first element wins", trusting, map[string]string{"Forwarded": `proto=https;host=public.example, proto=http;host=internal.lan`}, "https://public.example"},
		{"Forwarded before X-Forwarded", trusting, map[string]string{"Forwarded": "proto=https;host=a.example", "X-Forwarded-Proto": "http", "X-Forwarded-Host": "b.example"}, "https://a.example"},
		{"Forwarded proto only, X-Forwarded-Host", trusting, map[string]string{"Forwarded": "proto=https", "X-Forwarded-Host": "b.example"}, "https://b.example"},
		{"X-Forwarded", trusting, map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "maps.example.org"}, "https://maps.example.org"},
		{"X-Forwarded lists, first value", trusting, map[string]string{"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "maps.example.org, proxy.lan"}, "https://maps.example.org"},
		{"IPv6 host", trusting, map[string]string{"Forwarded": `proto=https;host="[2001:db8::1]:8443"`}, "https://[2001:db8::1]:8443"},
		{"bad proto ignored", trusting, map[string]string{"Forwarded": "proto=javascript;host=maps.example.org"}, "http://maps.example.org"},
		{"bad host ignored", trusting, map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example/path?x"}, "https://HOST"},
		{"host with userinfo ignored", trusting, map[string]string{"X-Forwarded-Host": "user@evil.example"}, ""},
		{"host with bad port ignored", trusting, map[string]string{"X-Forwarded-Host": "maps.example.org:99999"}, ""},
		{"escaped quoted host ignored", trusting, map[string]string{"Forwarded": `host="a\"b.example"`}, ""},
		{"base URL wins", based, map[string]string{"Forwarded": "proto=http;host=other.example"}, "https://maps.example.org/frontline"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", c.server+"/x", nil)
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			own := c.server
			want := c.want
			switch want {
			case "":
				want = own
			case "https://HOST":
				want = "https://" + req.URL.Host
			}
			if string(body) != want {
				t.Errorf("links start with %q, want %q", body, want)
			}
		})
	}
}

func TestParseBaseURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://maps.example.org/frontline", "https://maps.example.org/frontline"},
		{"https://maps.example.org/frontline/", "https://maps.example.org/frontline"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"https://maps.example.org/", "https://maps.example.org"},
		{"https://[2001:db8::1]:8443/a%20b", "https://[2001:db8::1]:8443/a%20b"},
		{"ftp://maps.example.org", ""},
		{"maps.example.org/frontline", ""},
		{"/frontline", ""},
		{"https://", ""},
		{"https://user:pw@maps.example.org", ""},
		{"https://maps.example.org/?v=1", ""},
		{"https://maps.example.org/#top", ""},
		{"https://maps example.org", ""},
	} {
		got, err := ParseBaseURL(c.in)
		if c.want == "" && err == nil {
			t.Errorf("%q: accepted as %q", c.in, got)
		}
		if c.want != "" && (err != nil || got != c.want) {
			t.Errorf("%q: got %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestValidHost(t *testing.T) {
	for h, want := range map[string]bool{
		"maps.example.org": true, "maps.example.org:443": true, "localhost": true, "127.0.0.1:8080": true,
		"[::1]": true, "[2001:db8::1]:8443": true, "xn--mgbh0fb.example": true,
		"": false, ":8080": false, "a..b": false, ".a": false, "-a": false, "a:0": false, "a:65536": false, "a:+1": false,
		"a:b": false, "a b": false, "a/b": false, "a@b": false, "[::1": false, "[]": false, "[zz::1]": false, "[::1]x": false,
		"a\r\nb": false,
	} {
		if got := validHost(h); got != want {
			t.Errorf("validHost(%q) = %v, want %v", h, got, want)
		}
	}
}

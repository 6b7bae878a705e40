package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileRequest is one request an attacker might send. target is written
// on the request line exactly as given: no client cleans or re-escapes it.
type hostileRequest struct {
	class  string
	method string
	target string
	token  bool // send the right bearer token, so checks behind it run
	body   []byte
}

// hostileContentType is what a POST to target declares its body to be:
// what the route takes, so that the body itself is what is refused.
func hostileContentType(target string) string {
	if strings.HasPrefix(target, "/api/geoparse") {
		return "text/plain; charset=utf-8"
	}
	return "application/json"
}

// hostileAnswer is what came back: the status, or the error that stood
// in for one (a timeout, a dropped connection).
type hostileAnswer struct {
	status  int
	problem bool // application/problem+json with a body that says the status
	err     error
}

// hostileTimeout bounds each request: a hang is a failure, not a wait.
const hostileTimeout = 5 * time.Second

// hostileSend writes req over its own connection and reads the answer.
// The body is written while the answer is read: a server that refuses a
// large body answers before reading it all.
func hostileSend(addr string, req hostileRequest) hostileAnswer {
	conn, err := net.DialTimeout("tcp", addr, hostileTimeout)
	if err != nil {
		return hostileAnswer{err: err}
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(hostileTimeout))
	var head strings.Builder
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nAccept: application/json\r\n", req.method, req.target, addr)
	if req.token {
		fmt.Fprintf(&head, "Authorization: Bearer %s\r\n", testToken)
	}
	if req.method == http.MethodPost {
		fmt.Fprintf(&head, "Content-Type: %s\r\nContent-Length: %d\r\n", hostileContentType(req.target), len(req.body))
	}
	head.WriteString("\r\n")
	go func() {
		if _, err := io.WriteString(conn, head.String()); err == nil {
			conn.Write(req.body) // an error here is the server refusing the rest
		}
	}()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return hostileAnswer{err: err}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return hostileAnswer{status: res.StatusCode, err: err}
	}
	var p struct {
		Status int    `json:"status"`
		Title  string `json:"title"`
	}
	problem := res.Header.Get("Content-Type") == "application/problem+json" &&
		json.Unmarshal(body, &p) == nil && p.Status == res.StatusCode && p.Title != ""
	return hostileAnswer{status: res.StatusCode, problem: problem}
}

// hostileRequests is the table: each class of bad input on every route
// and parameter it can reach.
func hostileRequests() []hostileRequest {
	var out []hostileRequest
	get := func(class string, targets ...string) {
		for _, t := range targets {
			out = append(out, hostileRequest{class: class, method: http.MethodGet, target: t})
		}
	}
	collections := []string{"control", "events", "places"}
	// ogc lists the OGC routes with query q, items routes with paged.
	ogc := func(class, q string, paged bool) {
		if !paged {
			get(class, "/ogc?"+q, "/ogc/conformance?"+q, "/ogc/collections?"+q)
		}
		for _, c := range collections {
			if paged {
				get(class, "/ogc/collections/"+c+"/items?"+q)
				continue
			}
			get(class, "/ogc/collections/"+c+"?"+q, "/ogc/collections/"+c+"/items?"+q)
		}
	}
	tiles := func(class, z, x, y string) {
		get(class, "/tiles/"+z+"/"+x+"/"+y+".mvt", "/tiles/"+z+"/"+x+"/"+y+".png")
	}

	numbers := []string{"NaN", "nan", "Inf", "-Inf", "Infinity", "1e309", "-1e309", "1_0", "0x1p4", "0x10", "1,5", "", "--1", "1e", "%2B1e999"}
	for _, n := range numbers {
		get("numbers", "/api/controller?lon="+n+"&lat=35", "/api/controller?lon=36.7&lat="+n,
			"/api/reverse?lon="+n+"&lat=35", "/api/reverse?lon=36.7&lat="+n)
		ogc("numbers", "bbox="+n+",35,38,37", false)
		if n != "" {
			get("numbers", "/api/geocode?q=Hama&limit="+n, "/api/claims?limit="+n)
			ogc("numbers", "limit="+n, true)
			ogc("numbers", "offset="+n, true)
			tiles("numbers", n, "0", "0")
			tiles("numbers", "6", n, "25")
		}
	}
	for _, b := range []string{"38,37,36,35", "36,37,38,35", "36,35,38", "36,35,38,37,1", "1,2,3,4,5,6,7", "0,0,200,10", "-181,0,0,10", "0,-91,10,0", ",,,", "36;35;38;37", "36%2035%2038%2037"} {
		ogc("bbox", "bbox="+b, false)
	}
	for _, d := range []string{"2024-13-45", "2024-02-30", "2024-12-05T25:00:00Z", "2024-12-05T10:00:00", "../..", "..", "/", "../2024-13-45",
		"2024-12-08/2024-11-27", "05/12/2024", "yesterday", "2024-12-05%2F2024-12-06%2F2024-12-07", "%2e%2e/%2e%2e"} {
		ogc("dates", "datetime="+d, false)
		get("dates", "/api/controller?lon=36.7&lat=35.1&at="+d, "/tiles.json?datetime="+d,
			"/tiles/6/38/25.mvt?datetime="+d, "/tiles/6/38/25.png?datetime="+d)
		out = append(out, hostileRequest{class: "dates", method: http.MethodPost, target: "/api/geoparse?published=" + d, body: []byte("Hama")})
	}
	for _, q := range []string{"%zz", "%", "%2", "%FF%FE", "%C0%AF", "%ED%A0%80", "%00", "Hama%00", "a;b=c"} {
		class := "encoding"
		for _, route := range []string{"/healthz", "/api/controller", "/api/basemap", "/api/events/stream", "/api/geocode", "/api/reverse",
			"/api/timeline", "/api/stats", "/api/claims", "/api/articles/1", "/ogc", "/ogc/api", "/tiles.json", "/tiles/6/38/25.mvt", "/tiles/6/38/25.png", "/",
		} {
			get(class, route+"?q="+q, route+"?"+q+"=1")
		}
		get(class, "/api/controller?lon=36.7&lat=35.1&at="+q, "/api/geocode?q="+q, "/api/geocode?q=Hama&limit="+q)
		ogc(class, "datetime="+q, false)
		ogc(class, "bbox="+q, false)
		ogc(class, "limit="+q, true)
		out = append(out, hostileRequest{class: class, method: http.MethodPost, target: "/api/geoparse?published=" + q, body: []byte("Hama")},
			hostileRequest{class: class, method: http.MethodPost, target: "/api/articles?" + q + "=1", token: true, body: []byte(`{}`)})
	}
	get("paging", "/api/geocode?q=Hama&limit=51", "/api/geocode?q=Hama&limit=-1", "/api/geocode?q=Hama&limit=99999999999999999999",
		"/api/claims?limit=0", "/api/claims?limit=9223372036854775807", "/api/claims?after=-1", "/api/claims?article=99999999999999999999")
	for _, p := range []string{"offset=9223372036854775807", "offset=9223372036854775807&limit=10000", "offset=1000001", "offset=-1",
		"offset=-9223372036854775808", "offset=99999999999999999999", "limit=0", "limit=-1", "limit=99999999999999999999", "limit=-9223372036854775808"} {
		ogc("paging", p, true)
	}
	for _, zxy := range [][3]string{{"-1", "0", "0"}, {"99", "0", "0"}, {"9223372036854775807", "0", "0"}, {"99999999999999999999", "0", "0"},
		{"6", "64", "25"}, {"6", "38", "64"}, {"6", "-1", "25"}, {"6", "38", "-1"}, {"6", "9223372036854775807", "9223372036854775807"},
		{"1.5", "0", "0"}, {"6", "38.0", "25"}, {"6", "1e1", "25"}, {"%36", "38", "25"}, {"6", "38", "25%00"}, {"+6", "38", "25"}, {"6", "+38", "25"}, {"6", "38", "+25"}} {
		tiles("tiles", zxy[0], zxy[1], zxy[2])
	}
	get("traversal",
		"/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "//etc/passwd", "///etc/passwd",
		"/../../etc/passwd", "/./index.html/..", "/vendor/", "/vendor", "/vendor/leaflet/", "/vendor/leaflet/../../../go.mod",
		"/vendor/..%2f..%2fgo.mod", "/js/", "/js/..%2f..%2fweb.go", "/web.go", "/index.html%00", "/index.html%00.png", "/index.html/",
		"/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/.%2e/.%2e/etc/passwd", "/%252e%252e/etc/passwd", "/\\..\\..\\etc\\passwd",
		"/tiles/../../etc/passwd", "/tiles/..%2f..%2fetc%2fpasswd", "/tiles/%2e%2e/%2e%2e/etc/passwd.mvt", "/tiles/6/..%2f/25.mvt",
		"/tiles/6/38/..%2f..%2f25.png", "/tiles//38/25.mvt", "/tiles.json/..", "/ogc/collections/..%2f..%2fetc/items",
		"/ogc/collections/%2e%2e/items", "/ogc/collections/control/items/..%2f..%2fetc%2fpasswd", "/api/articles/..%2f1",
		"/api/articles/%2e%2e", "/api/articles/-1", "/api/articles/+1", "/api/articles/0x1", "/api/articles/99999999999999999999",
		"/review/..%2findex.html", "/healthz/..")
	big := []byte(`{"text":"` + strings.Repeat("Hama ", 4<<20) + `"}`) // 20 MB
	for _, r := range []hostileRequest{
		{method: http.MethodPost, target: "/api/geoparse"},
		{method: http.MethodPost, target: "/api/articles"},
		{method: http.MethodPost, target: "/api/articles", token: true},
		{method: http.MethodPost, target: "/api/claims/1/accept", token: true},
		{method: http.MethodPost, target: "/api/claims/1/reject", token: true},
	} {
		r.class, r.body = "20 MB body", big
		out = append(out, r)
	}
	for _, r := range []hostileRequest{
		{method: http.MethodPost, target: "/api/articles", body: []byte(`{"text":"Hama","published":"2024-12-08"}`)},
		{method: http.MethodPost, target: "/api/articles", token: true, body: []byte(`{"text":"Hama","published":"2024-13-45"}`)},
		{method: http.MethodPost, target: "/api/articles", token: true, body: []byte(`{"text":"Hama\u0000","published":"../.."}`)},
		{method: http.MethodPost, target: "/api/articles", token: true, body: []byte("{\"text\":\"\xff\xfe\",\"published\":\"2024-12-08\"}")},
		{method: http.MethodPost, target: "/api/geoparse", body: []byte("\xff\xfe")},
		{method: http.MethodPost, target: "/api/geoparse", body: []byte("Hama\x00 Homs")},
		{method: http.MethodPost, target: "/api/claims/1/accept", token: true, body: []byte(`{"at":"2024-13-45"}`)},
		{method: http.MethodPost, target: "/api/claims/..%2f1/accept", token: true},
		{method: http.MethodPost, target: "/api/claims/99999999999999999999/reject", token: true},
		{method: http.MethodPost, target: "/api/claims/NaN/accept", token: true},
	} {
		r.class = "bodies"
		out = append(out, r)
	}
	return out
}

// TestHostileInput sends every class of bad input an attacker might try
// to every route that reads it: each answer must be a 4xx problem, none
// a 5xx, a success or a hang.
func TestHostileInput(t *testing.T) {
	m := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "f.db"), Token: testToken}, nil)
	addr := m.Addr()

	t.Run("offset past every collection", func(t *testing.T) {
		for _, c := range []string{"control", "events", "places"} {
			base := "http://" + addr + "/ogc/collections/" + c + "/items"
			res, body := fetch(t, base+"?offset=9223372036854775807", nil)
			if res.StatusCode != 400 || res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: offset=MaxInt64 answered %d %s: %s", c, res.StatusCode, res.Header.Get("Content-Type"), body)
			}
			var page struct {
				NumberMatched  int `json:"numberMatched"`
				NumberReturned int `json:"numberReturned"`
				Links          []struct{ Rel string }
			}
			readPage := func(q string) {
				t.Helper()
				res, body := fetch(t, base+"?"+q, nil)
				page.NumberMatched, page.NumberReturned, page.Links = 0, 0, nil
				if res.StatusCode != 200 {
					t.Fatalf("%s?%s: %d %s", c, q, res.StatusCode, body)
				}
				if err := json.Unmarshal(body, &page); err != nil {
					t.Fatalf("%s?%s: %v", c, q, err)
				}
			}
			readPage("limit=1")
			matched := page.NumberMatched
			if matched < 1 {
				t.Fatalf("%s: %d features", c, matched)
			}
			// The last feature, the end, and the largest offset taken.
			for _, tc := range []struct {
				offset, returned int
			}{{matched - 1, 1}, {matched, 0}, {1_000_000, 0}} {
				readPage("limit=10000&offset=" + strconv.Itoa(tc.offset))
				hasPrev := slices.ContainsFunc(page.Links, func(l struct{ Rel string }) bool { return l.Rel == "prev" })
				if page.NumberReturned != tc.returned || page.NumberMatched != matched || !hasPrev {
					t.Errorf("%s offset %d: returned %d of %d (prev link %v), want %d of %d", c, tc.offset, page.NumberReturned, page.NumberMatched, hasPrev, tc.returned, matched)
				}
			}
		}
	})

	t.Run("table", func(t *testing.T) {
		reqs := hostileRequests()
		answers := make([]hostileAnswer, len(reqs))
		var wg sync.WaitGroup
		next := make(chan int)
		for range 8 {
			wg.Go(func() {
				for i := range next {
					answers[i] = hostileSend(addr, reqs[i])
				}
			})
		}
		for i := range reqs {
			next <- i
		}
		close(next)
		wg.Wait()

		byClass := map[string]map[string]int{}
		fiveXX := 0
		for i, a := range answers {
			r := reqs[i]
			outcome := strconv.Itoa(a.status)
			switch {
			case a.err != nil:
				outcome = "error"
				t.Errorf("%s %s: %v (status %d)", r.method, r.target, a.err, a.status)
			case a.status >= 500:
				fiveXX++
				t.Errorf("%s %s: %d", r.method, r.target, a.status)
			case a.status < 400:
				t.Errorf("%s %s: %d, want a 4xx", r.method, r.target, a.status)
			case !a.problem:
				outcome += " (not a problem)"
				t.Errorf("%s %s: %d without an application/problem+json body", r.method, r.target, a.status)
			}
			if byClass[r.class] == nil {
				byClass[r.class] = map[string]int{}
			}
			byClass[r.class][outcome]++
		}
		classes := make([]string, 0, len(byClass))
		for c := range byClass {
			classes = append(classes, c)
		}
		slices.Sort(classes)
		for _, c := range classes {
			n, parts := 0, []string{}
			for _, o := range slices.Sorted(maps.Keys(byClass[c])) {
				n += byClass[c][o]
				parts = append(parts, fmt.Sprintf("%s×%d", o, byClass[c][o]))
			}
			t.Logf("%-12s %4d requests: %s", c, n, strings.Join(parts, " "))
		}
		t.Logf("%d hostile requests, %d answered 5xx", len(reqs), fiveXX)
		if code, _ := httpGet(t, "http://"+addr+"/healthz"); code != 200 {
			t.Errorf("after the table /healthz answers %d", code)
		}
	})
}

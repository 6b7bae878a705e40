package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type controlAnswer struct {
	At         time.Time `json:"at"`
	Controller string    `json:"controller"`
	Faction    string    `json:"faction"`
	Since      string    `json:"since"`
	Until      *string   `json:"until"`
	Previous   *string   `json:"previous"`
	Place      *struct {
		ID         string  `json:"id"`
		Name       string  `json:"name"`
		DistanceKm float64 `json:"distance_km"`
	} `json:"place"`
	Status  string `json:"status"`
	Sources []struct {
		Outlet string `json:"outlet"`
		URL    string `json:"url"`
	} `json:"sources"`
	History []struct {
		From       string  `json:"from"`
		To         *string `json:"to"`
		Controller string  `json:"controller"`
	} `json:"history"`
}

func getJSON(tb testing.TB, url string, v any) (int, http.Header, []byte) {
	tb.Helper()
	res, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	if v != nil && res.StatusCode == 200 {
		if err := json.Unmarshal(buf.Bytes(), v); err != nil {
			tb.Fatalf("%s: %v: %s", url, err, buf.String())
		}
	}
	return res.StatusCode, res.Header, buf.Bytes()
}

func TestControllerAPI(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr() + "/api/controller"
	for _, tc := range []struct{ q, want string }{
		{"lon=37.1613&lat=36.2021&at=2024-11-26", "government"},
		{"lon=37.1613&lat=36.2021&at=2024-12-01", "hts"},
		{"lon=36.7578&lat=35.1318&at=2024-12-04T00:00:00Z", "government"},
		{"lon=36.7578&lat=35.1318&at=2024-12-06", "hts"},
		{"lon=36.7167&lat=34.7268&at=2024-12-06", "government"},
		{"lon=36.7167&lat=34.7268&at=2024-12-09", "hts"},
		{"lon=36.1021&lat=32.6189&at=2024-12-08", "southern"},
		{"lon=39.0069&lat=35.9528&at=2024-12-10", "sdf"},
		{"lon=36.6339&lat=35.9306&at=2024-12-03T12:00:00%2B02:00", "hts"},
	} {
		var a controlAnswer
		code, _, body := getJSON(t, base+"?"+tc.q, &a)
		if code != 200 || a.Controller != tc.want {
			t.Errorf("%s: %d %s, want %s: %s", tc.q, code, a.Controller, tc.want, body)
			continue
		}
		if a.Faction == "" || a.Since == "" || len(a.History) == 0 || a.Status == "" {
			t.Errorf("%s: incomplete answer %s", tc.q, body)
		}
		if a.Place != nil && (a.Place.ID == "" || a.Place.DistanceKm < 0) {
			t.Errorf("%s: bad place %s", tc.q, body)
		}
	}
	// Aleppo on 1 Dec: held since the 29th or 30th, from the government,
	// with sources.
	var a controlAnswer
	getJSON(t, base+"?lon=37.1613&lat=36.2021&at=2024-12-01", &a)
	if a.Previous == nil || *a.Previous != "government" || !strings.HasPrefix(a.Since, "2024-11-") || len(a.Sources) == 0 {
		t.Errorf("Aleppo 1 Dec: previous %v since %s sources %d", a.Previous, a.Since, len(a.Sources))
	}

	for _, tc := range []struct {
		q    string
		code int
		says string
	}{
		{"lon=35.5018&lat=33.8938&at=2024-12-01", 404, "outside Syria"},
		{"lon=37.16&lat=36.20&at=2024-11-01", 404, "timeline starts"},
		{"lon=37.16&lat=36.20&at=yesterday", 400, "RFC 3339"},
		{"lon=37.16&lat=36.20&at=2024-13-01", 400, "RFC 3339"},
		{"lon=abc&lat=36.20", 400, "lon"},
		{"lat=36.20", 400, "lon is required"},
		{"lon=37.16&lat=95", 400, "lat"},
	} {
		code, h, body := getJSON(t, base+"?"+tc.q, nil)
		if code != tc.code || h.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(body), tc.says) {
			t.Errorf("%s: %d %s %s, want %d saying %q", tc.q, code, h.Get("Content-Type"), body, tc.code, tc.says)
		}
	}
	// A point at sea a kilometre off Tartus, behind the generalised shore,
	// answers as the nearest ground and says so; 7 km out is outside.
	var sea struct {
		Controller string   `json:"controller"`
		Basis      string   `json:"basis"`
		SnappedKm  *float64 `json:"snapped_km"`
	}
	if code, _, body := getJSON(t, base+"?lon=35.870&lat=34.889&at=2024-12-05", &sea); code != 200 || sea.SnappedKm == nil ||
		*sea.SnappedKm < 0.5 || *sea.SnappedKm > 3 || sea.Controller != "government" || sea.Basis == "" {
		t.Errorf("off Tartus: %d %s", code, body)
	}
	if code, _, body := getJSON(t, base+"?lon=35.80&lat=34.889&at=2024-12-05", nil); code != 404 {
		t.Errorf("7 km off Tartus: %d %s", code, body)
	}
	if code, _, body := getJSON(t, base+"?lon=36.7578&lat=35.1318&at=2024-12-05", nil); code != 200 || strings.Contains(string(body), "snapped_km") ||
		!strings.Contains(string(body), `"basis":"`) {
		t.Errorf("inside: %d %s", code, body)
	}

	// No at: the default instant is now, after the timeline: the last
	// state, still in force.
	before := time.Now().UTC()
	var now controlAnswer
	code, _, body := getJSON(t, base+"?lon=37.1613&lat=36.2021", &now)
	if code != 200 || now.At.Before(before.Add(-time.Second)) || now.At.After(time.Now().Add(time.Second)) {
		t.Fatalf("no at: %d, answered for %s, want about %s: %s", code, now.At, before, body)
	}
	if now.Controller != "hts" || now.Until != nil || len(now.History) == 0 || now.History[len(now.History)-1].To != nil {
		t.Errorf("Aleppo now: %s until %v: %s", now.Controller, now.Until, body)
	}
}

func TestTimelineAndStatsAPI(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	var tl struct {
		Factions  []struct{ ID, Name, Color string } `json:"factions"`
		Keyframes []struct {
			ID      int    `json:"id"`
			At      string `json:"at"`
			Changes []struct {
				ID      string `json:"id"`
				Status  string `json:"status"`
				Sources []struct {
					Outlet string `json:"outlet"`
				} `json:"sources"`
			} `json:"changes"`
		} `json:"keyframes"`
	}
	if code, _, body := getJSON(t, "http://"+m.Addr()+"/api/timeline", &tl); code != 200 {
		t.Fatalf("timeline: %d %s", code, body)
	}
	ids := map[string]bool{}
	for _, f := range tl.Factions {
		ids[f.ID] = f.Color != "" && f.Name != ""
	}
	for _, want := range []string{"government", "hts", "sna", "sdf", "southern", "isis", "coalition", "israel"} {
		if !ids[want] {
			t.Errorf("faction %s missing or without name/colour", want)
		}
	}
	if len(tl.Keyframes) < 20 || tl.Keyframes[0].At != "2024-11-26T00:00:00Z" {
		t.Fatalf("%d keyframes, first %+v", len(tl.Keyframes), tl.Keyframes[0])
	}
	changes, statuses := 0, map[string]int{}
	for i, k := range tl.Keyframes {
		if k.ID != i || (i > 0 && k.At <= tl.Keyframes[i-1].At) {
			t.Errorf("keyframe %d out of order: %+v", i, k)
		}
		for _, c := range k.Changes {
			changes++
			statuses[c.Status]++
			if len(c.Sources) == 0 {
				t.Errorf("change %s has no source", c.ID)
			}
		}
	}
	if changes < 150 || statuses["confirmed"] == 0 || statuses["claimed"] == 0 || statuses["denied"] == 0 {
		t.Errorf("%d changes after the baseline, by status %v", changes, statuses)
	}

	var st struct {
		Keyframes []struct {
			ID       int                `json:"id"`
			AreaKm2  map[string]float64 `json:"area_km2"`
			BasisKm2 map[string]float64 `json:"basis_km2"`
		} `json:"keyframes"`
	}
	getJSON(t, "http://"+m.Addr()+"/api/stats", &st)
	if len(st.Keyframes) != len(tl.Keyframes) {
		t.Fatalf("stats for %d keyframes, timeline has %d", len(st.Keyframes), len(tl.Keyframes))
	}
	first, last := st.Keyframes[0].AreaKm2, st.Keyframes[len(st.Keyframes)-1].AreaKm2
	if first["government"] < 100000 || last["government"] != 0 || last["none"] == 0 || last["hts"] < 5*first["hts"] {
		t.Errorf("areas: start %v, end %v", first, last)
	}
	// The ground by basis adds up to the ground by faction.
	for _, k := range st.Keyframes {
		var byFaction, byBasis float64
		for _, a := range k.AreaKm2 {
			byFaction += a
		}
		for _, a := range k.BasisKm2 {
			byBasis += a
		}
		if math.Abs(byFaction-byBasis) > 1 || k.BasisKm2["place"] == 0 {
			t.Errorf("keyframe %d: %.0f km² by faction, %.0f by basis %v", k.ID, byFaction, byBasis, k.BasisKm2)
		}
	}
}

const importGood = `{"type":"Feature","id":"test-raqqa-isis","geometry":null,"properties":{"place":"gn:163915","name":"test","faction":"isis","at":"2024-12-10T00:00:00Z","precision":"day","status":"claimed","summary":"A made-up change for the test.","sources":[{"outlet":"test","url":"","published":"2024-12-10","quote":"made up"}]}}
`

func TestImport(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.db")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	raqqa := findPlace(t, "Raqqa")
	good := strings.Replace(importGood, "gn:163915", raqqa, 1)
	bad := good + strings.Replace(strings.Replace(good, "test-raqqa-isis", "test-2", 1), `"isis"`, `"martians"`, 1)
	unknown := strings.Replace(strings.Replace(good, "test-raqqa-isis", "test-3", 1), raqqa, "gn:1", 1)

	importFile := func(file string) (int, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"import", "--db", path, file}, &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, msg := importFile(write("bad.geojsonl", bad)); code == 0 || !strings.Contains(msg, "line 2") || !strings.Contains(msg, "martians") {
		t.Errorf("bad row: exit %d: %s", code, msg)
	}
	if code, msg := importFile(write("unknown.geojsonl", good+unknown)); code == 0 || !strings.Contains(msg, "gn:1") {
		t.Errorf("unknown place: exit %d: %s", code, msg)
	}
	// Neither rejected file left anything behind.
	m := MustRun(t, path, nil)
	var a controlAnswer
	q := "http://" + m.Addr() + "/api/controller?lon=39.0069&lat=35.9528&at=2024-12-11"
	getJSON(t, q, &a)
	if a.Controller != "sdf" {
		t.Fatalf("after rejected imports Raqqa is %s", a.Controller)
	}
	m.Close()

	if code, msg := importFile(write("good.geojsonl", good)); code != 0 || !strings.Contains(msg, "imported 1 change") {
		t.Fatalf("good file: exit %d: %s", code, msg)
	}
	if code, msg := importFile(write("again.geojsonl", good)); code == 0 || !strings.Contains(msg, "already recorded") {
		t.Errorf("same id twice: exit %d: %s", code, msg)
	}
	m = MustRun(t, path, nil)
	getJSON(t, "http://"+m.Addr()+"/api/controller?lon=39.0069&lat=35.9528&at=2024-12-11", &a)
	if a.Controller != "isis" || a.Status != "claimed" {
		t.Errorf("after import Raqqa on 11 Dec is %s (%s)", a.Controller, a.Status)
	}
	getJSON(t, "http://"+m.Addr()+"/api/controller?lon=39.0069&lat=35.9528&at=2024-12-09", &a)
	if a.Controller != "sdf" {
		t.Errorf("before the imported change Raqqa is %s", a.Controller)
	}
}

func findPlace(t *testing.T, name string) string {
	t.Helper()
	ix, err := loadIndex()
	if err != nil {
		t.Fatal(err)
	}
	ms, err := ix.Geocode(name, 1)
	if err != nil || len(ms) == 0 {
		t.Fatalf("geocode %s: %v", name, err)
	}
	return ms[0].Place.ID
}

// The CLI prints the answer the API gives.
func TestControllerCommandMatchesAPI(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	m := MustRun(t, path, nil)
	_, _, api := getJSON(t, "http://"+m.Addr()+"/api/controller?lon=36.7578&lat=35.1318&at=2024-12-06", nil)
	m.Close()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"controller", "--db", path, "--lon", "36.7578", "--lat", "35.1318",
		"--at", "2024-12-06"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var a, b any
	if err := json.Unmarshal(api, &a); err != nil {
		t.Fatalf("API answer: %v: %s", err, api)
	}
	if err := json.Unmarshal(out.Bytes(), &b); err != nil {
		t.Fatalf("CLI output: %v: %s", err, out.Bytes())
	}
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	if !bytes.Equal(aj, bj) {
		t.Errorf("CLI %s\nAPI %s", bj, aj)
	}
	var errc bytes.Buffer
	if code := run(context.Background(), []string{"controller", "--db", path, "--lon", "35.5", "--lat", "33.9"}, &out, &errc); code != 1 ||
		!strings.Contains(errc.String(), "outside Syria") {
		t.Errorf("outside: exit %d: %s", code, errc.String())
	}
}

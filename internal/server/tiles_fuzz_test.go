package server_test

import (
	"bytes"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"frontline/data"
	"frontline/geo"
	"frontline/internal/app"
	"frontline/internal/server"
	"frontline/internal/tiles"

	"github.com/paulmach/orb"
)

// squareApp serves one hand-made snapshot: HTS holds a square around
// Idlib at the one keyframe. Tiles over the square have ground to draw,
// the rest of the world is empty.
type squareApp struct {
	startingApp
	snap *app.Snapshot
}

func (a squareApp) Current() *app.Snapshot { return a.snap }

func squareSnapshot() *app.Snapshot {
	square := orb.MultiPolygon{{{{36.4, 35.7}, {36.9, 35.7}, {36.9, 36.1}, {36.4, 36.1}, {36.4, 35.7}}}}
	idlib := &geo.Place{ID: "gn:idlib", Name: "Idlib", Kind: geo.City, Point: orb.Point{36.63, 35.93}}
	kf := geo.Keyframe{ID: 0, At: geo.TimelineStart.AddDate(0, 0, 2)}
	changes := []*geo.Change{
		{ID: "baseline-idlib", Place: idlib.ID, Faction: geo.HTS, At: geo.TimelineStart, Status: geo.Confirmed},
		{ID: "idlib-confirmed", Place: idlib.ID, Faction: geo.HTS, At: kf.At, Status: geo.Confirmed},
	}
	terr := []geo.Territory{{Faction: geo.HTS, Status: geo.Confirmed, AreaKm2: 2000, Shape: square}}
	return &app.Snapshot{
		Version: "fuzz1", Changes: changes, Keyframes: []geo.Keyframe{kf},
		Territories: [][]geo.Territory{terr}, Bound: square.Bound(),
		Renderer: &tiles.Renderer{
			Keyframes: []geo.Keyframe{kf}, Changes: changes,
			Territories:  func(int) ([]geo.Territory, error) { return terr, nil },
			Places:       func(string) *geo.Place { return idlib },
			ControllerAt: func(orb.Point, int) string { return geo.HTS },
		},
	}
}

// tileCoord reads a tile coordinate as the API documents it: a whole
// number in decimal, an optional minus and digits only; leading zeros
// name the same number. It returns the number's canonical digits, and
// whether s is written that way at all (any value, however large).
func tileCoord(s string) (canon string, n *big.Int, ok bool) {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", nil, false
	}
	n, _ = new(big.Int).SetString(digits, 10)
	if s[0] == '-' {
		n.Neg(n)
	}
	return n.String(), n, true
}

// The tile routes parse z, x and y at the edge: whatever a client puts
// in them, the answer is a tile (200, or 204 for an empty vector tile)
// for a tile that exists within the served zooms, and a 4xx problem
// otherwise, never a 5xx or a panic. A well-formed number out of range
// (a negative one, a zoom beyond the served ones, x or y beyond 2^z) is
// a 400. Numbers written with leading zeros answer as their canonical
// form does, so they cannot make a second cache entry look different.
func FuzzTileCoords(f *testing.F) {
	for _, s := range [][4]string{
		{"7", "77", "50", "mvt"}, {"8", "154", "100", "mvt"}, {"8", "154", "100", "png"}, {"0", "0", "0", "mvt"},
		{"14", "16383", "16383", "png"}, {"14", "16384", "0", "mvt"}, {"15", "0", "0", "mvt"}, {"1", "2", "0", "mvt"},
		{"-1", "0", "0", "mvt"}, {"-0", "0", "0", "mvt"}, {"+1", "0", "0", "mvt"}, {"08", "0154", "00100", "mvt"},
		{"9223372036854775807", "0", "0", "mvt"}, {"9223372036854775808", "0", "0", "png"}, {"1e1", "0", "0", "mvt"},
		{"0x7", "0", "0", "mvt"}, {"1_0", "0", "0", "mvt"}, {" 7", "77", "50", "mvt"}, {"7", "77", "50", "pbf"},
		{"7", "77", "50.5", "mvt"}, {"", "1", "1", "mvt"}, {"..", "1", "1", "mvt"}, {"7", "77/1", "50", "mvt"},
		{"٧", "77", "50", "mvt"}, {"7\x00", "77", "50", "mvt"}, {"7", "77", "50", "MVT"}, {"%37", "77", "50", "mvt"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	saved := server.Limits
	// Every input is a new tile for the renderer: the per-client build
	// rate would otherwise answer 429 after a few thousand execs.
	server.Limits = server.WorkLimits{BuildsPerMinute: -1}
	page := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>frontline</title>")}}
	srv := server.New(squareApp{snap: squareSnapshot()}, page, data.Attribution, nil)
	server.Limits = saved
	srv.SetReady(true)
	serve := func(path string, header http.Header) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		for k, v := range header {
			r.Header[k] = v
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return w
	}
	f.Fuzz(func(t *testing.T, z, x, y, ext string) {
		path := "/tiles/" + url.PathEscape(z) + "/" + url.PathEscape(x) + "/" + url.PathEscape(y) + "." + url.PathEscape(ext)
		w := serve(path, nil)
		zc, zn, zok := tileCoord(z)
		xc, xn, xok := tileCoord(x)
		yc, yn, yok := tileCoord(y)
		routed := zok && xok && yok && (ext == "mvt" || ext == "png")
		exists := routed && zn.Sign() >= 0 && xn.Sign() >= 0 && yn.Sign() >= 0 &&
			zn.Cmp(big.NewInt(tiles.MinZoom)) >= 0 && zn.Cmp(big.NewInt(tiles.MaxZoom)) <= 0 &&
			xn.Cmp(new(big.Int).Lsh(big.NewInt(1), uint(zn.Int64()))) < 0 &&
			yn.Cmp(new(big.Int).Lsh(big.NewInt(1), uint(zn.Int64()))) < 0

		if !exists {
			if w.Code < 400 || w.Code > 499 {
				t.Fatalf("%s: %d, want a 4xx: %.200q", path, w.Code, w.Body)
			}
			if routed && w.Code != http.StatusBadRequest {
				t.Fatalf("%s: %d for a tile that does not exist, want 400: %.200q", path, w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("%s: %d with Content-Type %q", path, w.Code, ct)
			}
			var p server.Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != w.Code || p.Detail == "" {
				t.Fatalf("%s: problem %s (%v)", path, w.Body, err)
			}
			return
		}

		wantType := map[string]string{"mvt": "application/vnd.mapbox-vector-tile", "png": "image/png"}[ext]
		switch {
		case w.Code == http.StatusOK:
			if ct := w.Header().Get("Content-Type"); ct != wantType {
				t.Fatalf("%s: Content-Type %q, want %q", path, ct, wantType)
			}
			etag := w.Header().Get("ETag")
			if etag == "" {
				t.Fatalf("%s: no ETag", path)
			}
			if again := serve(path, http.Header{"If-None-Match": {etag}}); again.Code != http.StatusNotModified {
				t.Fatalf("%s with If-None-Match %s: %d, want 304", path, etag, again.Code)
			}
		case w.Code == http.StatusNoContent && ext == "mvt":
		default:
			t.Fatalf("%s: %d for a tile that exists: %.200q", path, w.Code, w.Body)
		}
		canon := "/tiles/" + zc + "/" + xc + "/" + yc + "." + ext
		if canon == path {
			return
		}
		c := serve(canon, nil)
		if c.Code != w.Code || !bytes.Equal(c.Body.Bytes(), w.Body.Bytes()) || c.Header().Get("ETag") != w.Header().Get("ETag") {
			t.Fatalf("%s answers %d (%d bytes), its canonical form %s %d (%d bytes)", path, w.Code, w.Body.Len(), canon, c.Code, c.Body.Len())
		}
	})
}

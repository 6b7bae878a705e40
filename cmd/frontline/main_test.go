package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// MustRun starts the service on a free loopback port with the database
// at path, as `frontline serve` does, and stops it when the test ends.
func MustRun(tb testing.TB, path string, logs io.Writer) *Main {
	tb.Helper()
	if logs == nil {
		logs = io.Discard
	}
	m := &Main{
		Config: Config{Addr: "127.0.0.1:0", DB: path},
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	return m
}

func httpGet(tb testing.TB, url string) (int, []byte) {
	tb.Helper()
	res, b := send(tb, http.MethodGet, url, nil)
	return res.StatusCode, b
}

func TestServeFillsThenReusesDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "frontline.db")
	var logs bytes.Buffer
	m := MustRun(t, path, &logs)
	if code, _ := httpGet(t, "http://"+m.Addr()+"/healthz"); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	if !strings.Contains(logs.String(), "database filled") {
		t.Fatalf("first start did not fill the database: %s", logs.String())
	}
	n, err := m.Store.CountPlaces(context.Background())
	if err != nil || n < 3000 {
		t.Fatalf("places in database: %d, %v", n, err)
	}
	p, err := m.Store.Place(context.Background(), "fl:sednaya-prison")
	if err != nil || p.Kind != "prison" {
		t.Fatalf("prison: %+v, %v", p, err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}

	logs.Reset()
	m2 := MustRun(t, path, &logs)
	if strings.Contains(logs.String(), "database filled") {
		t.Errorf("second start filled the database again")
	}
	code, body := httpGet(t, "http://"+m2.Addr()+"/api/geocode?q=Deraa&limit=1")
	if code != 200 || !strings.Contains(string(body), `"gn:170905"`) {
		t.Errorf("geocode after restart: %d %s", code, body)
	}
}

// The CLI prints exactly the features the API answers.
func TestGeocodeCommandMatchesAPI(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	_, body := httpGet(t, "http://"+m.Addr()+"/api/geocode?q=Hamah")
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(body, &fc); err != nil || len(fc.Features) == 0 {
		t.Fatalf("API answer: %v: %s", err, body)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"geocode", "Hamah"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(fc.Features) {
		t.Fatalf("CLI printed %d features, API %d", len(lines), len(fc.Features))
	}
	for i, l := range lines {
		var a, b any
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("CLI line %d: %v: %s", i, err, l)
		}
		if err := json.Unmarshal(fc.Features[i], &b); err != nil {
			t.Fatalf("API feature %d: %v: %s", i, err, fc.Features[i])
		}
		aj, _ := json.Marshal(a)
		bj, _ := json.Marshal(b)
		if !bytes.Equal(aj, bj) {
			t.Errorf("line %d: CLI %s\nAPI %s", i, aj, bj)
		}
	}
}

func TestCommandErrors(t *testing.T) {
	cases := []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"nonsense"}, 2},
		{[]string{"geocode"}, 2},
		{[]string{"geocode", "--limit", "0", "Hama"}, 2},
		{[]string{"reverse", "--lon", "36"}, 2},
		{[]string{"reverse", "--lon", "361", "--lat", "3"}, 2},
		{[]string{"serve", "extra"}, 2},
		{[]string{"serve", "--poll", "0s"}, 2},
		{[]string{"controller", "--db", "postgres://localhost/frontline", "--lon", "36", "--lat", "35"}, 2},
		{[]string{"version"}, 0},
		{[]string{"reverse", "--lon", "36.75", "--lat", "35.13"}, 0},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		if got := run(context.Background(), c.args, &out, &errb); got != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, got, c.code, errb.String())
		}
	}
}

// The built binary shuts down cleanly on SIGTERM, as `make run` users and
// service managers expect.
func TestBinaryGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	addr, cmd := startServe(t, buildBinary(t), filepath.Join(t.TempDir(), "f.db"))
	if code, _ := httpGet(t, addr+"/healthz"); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit 10 s after SIGTERM")
	}
}

// BenchmarkStartExistingDB measures a start on a database that is
// already filled: open, migrate check, load and index the gazetteer,
// listen, answer /healthz.
func BenchmarkStartExistingDB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "f.db")
	m := MustRun(b, path, nil)
	m.Close()
	b.ReportAllocs()
	for b.Loop() {
		m := &Main{Config: Config{Addr: "127.0.0.1:0", DB: path}}
		if err := m.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		if code, _ := httpGet(b, "http://"+m.Addr()+"/healthz"); code != 200 {
			b.Fatalf("healthz %d", code)
		}
		m.Close()
	}
}

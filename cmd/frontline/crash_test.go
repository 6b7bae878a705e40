package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/app"
	"frontline/internal/store/sqlite"
	"frontline/internal/timeline"
)

// The answers compared between a database that went through a crash and
// a clean one with the same data: Raqqa, which the test imports change,
// and Aleppo, which they leave alone.
var probes = []string{
	"/api/controller?lon=39.0069&lat=35.9528&at=2024-12-11",
	"/api/controller?lon=37.1613&lat=36.2021&at=2024-12-01",
}

// served is what a service answers for the probes, with the version of
// the data it serves.
type served struct {
	version string
	answers []string
}

func probe(tb testing.TB, base string) served {
	tb.Helper()
	var tl timelineAnswer
	if code, _, body := getJSON(tb, base+"/api/timeline", &tl); code != 200 || tl.Version == "" {
		tb.Fatalf("timeline: %d %.200s", code, body)
	}
	s := served{version: tl.Version}
	for _, p := range probes {
		code, _, body := getJSON(tb, base+p, nil)
		if code != 200 {
			tb.Fatalf("%s: %d %s", p, code, body)
		}
		s.answers = append(s.answers, string(body))
	}
	return s
}

func (s served) diff(tb testing.TB, want served, what string) {
	tb.Helper()
	if s.version != want.version {
		tb.Errorf("%s: serves data version %s, the clean database %s", what, s.version, want.version)
	}
	for i := range probes {
		if s.answers[i] != want.answers[i] {
			tb.Errorf("%s: %s answers\n%s\nthe clean database\n%s", what, probes[i], s.answers[i], want.answers[i])
		}
	}
}

// dbState is what a database holds, read with plain SQL beside the store.
type dbState struct {
	changes  map[string]int // by origin
	digest   string         // of the stored territory
	revision string
}

// A database not made yet, or without its tables yet, holds nothing.
func readState(tb testing.TB, path string) dbState {
	tb.Helper()
	st := dbState{changes: map[string]int{}}
	if _, err := os.Stat(path); err != nil {
		return st
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=rw&_busy_timeout=5000")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT origin, count(*) FROM changes GROUP BY origin`)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		return st
	}
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var o string
		var n int
		rows.Scan(&o, &n)
		st.changes[o] = n
	}
	rows.Close()
	db.QueryRow(`SELECT value FROM meta WHERE key = 'territory_digest'`).Scan(&st.digest)
	db.QueryRow(`SELECT value FROM meta WHERE key = 'revision'`).Scan(&st.revision)
	return st
}

// mustCheck opens the database as the next start would and runs SQLite's
// integrity check over it.
func mustCheck(tb testing.TB, path string) {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("open after the crash: %v", err)
	}
	defer db.Close()
	if err := db.Check(context.Background()); err != nil {
		tb.Fatal(err)
	}
}

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	if _, err := os.Stat(from + "-wal"); err == nil {
		tb.Fatalf("%s has a -wal beside it: close it before copying", from)
	}
	b, err := os.ReadFile(from)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// bigImport writes a timeline file of one change for each of n Syrian
// places, Raqqa first, at two instants: large enough for a kill to land
// inside the import, with few new keyframes so the rebuild stays short.
func bigImport(tb *testing.T, dir string, n int) (string, int) {
	tb.Helper()
	ix, err := loadIndex()
	if err != nil {
		tb.Fatal(err)
	}
	raqqa := findPlace(tb, "Raqqa")
	ids := []string{raqqa}
	var rest []string
	for _, p := range ix.Gazetteer().Places {
		if p.Country == "SY" && p.ID != raqqa {
			rest = append(rest, p.ID)
		}
	}
	sort.Strings(rest)
	ids = append(ids, rest...)
	if len(ids) > n {
		ids = ids[:n]
	}
	changes := make([]*geo.Change, len(ids))
	for i, id := range ids {
		at := time.Date(2024, 12, 10, 12*(i%2), 0, 0, 0, time.UTC)
		faction := geo.ISIS
		if i%3 == 2 {
			faction = geo.SNA
		}
		changes[i] = &geo.Change{ID: fmt.Sprintf("crash-%d", i), Place: id, Name: ix.Gazetteer().Place(id).Name,
			Faction: faction, At: at, Precision: geo.Day, Status: geo.Claimed, Summary: "A made-up change for the crash test.",
			Sources: []geo.Source{{Outlet: "test", Published: at, Quote: "made up"}}}
	}
	path := filepath.Join(dir, "big.geojsonl")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := timeline.Write(f, changes); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path, len(changes)
}

// crashFixture is a database filled by a clean first start, and what a
// service answers on it before and after the big import.
type crashFixture struct {
	dir      string
	base     string // filled by a first start, closed
	imported string // base after a clean `frontline import` of bigFile
	bigFile  string
	bigN     int

	clean, cleanImported dbState
	before, after        served
}

func newCrashFixture(t *testing.T) *crashFixture {
	t.Helper()
	dir := t.TempDir()
	f := &crashFixture{dir: dir, base: filepath.Join(dir, "base.db"), imported: filepath.Join(dir, "imported.db")}
	m := MustRun(t, f.base, nil)
	f.before = probe(t, "http://"+m.Addr())
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	f.clean = readState(t, f.base)

	f.bigFile, f.bigN = bigImport(t, dir, 3000)
	copyFile(t, f.base, f.imported)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"import", "--db", f.imported, f.bigFile}, &out, &errb); code != 0 {
		t.Fatalf("clean import: exit %d: %s", code, errb.String())
	}
	t.Logf("clean import: %s", strings.TrimSpace(out.String()))
	m = MustRun(t, f.imported, nil)
	f.after = probe(t, "http://"+m.Addr())
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	f.cleanImported = readState(t, f.imported)
	if f.after.version == f.before.version || f.after.answers[0] == f.before.answers[0] {
		t.Fatalf("the import changed nothing the probes see: %v", f.after)
	}
	return f
}

// copyBase is a new copy of the filled database.
func (f *crashFixture) copyBase(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f.db")
	copyFile(t, f.base, p)
	return p
}

// Crash safety, each part on a database filled by one clean first start.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the service a dozen times")
	}
	f := newCrashFixture(t)
	t.Run("BackupWhileServing", func(t *testing.T) { testBackupWhileServing(t, f) })
	t.Run("CommittedChangesRebuildAtStart", func(t *testing.T) { testCommittedChangesRebuild(t, f) })
	t.Run("AcceptIsOneTransaction", func(t *testing.T) { testAcceptIsOneTransaction(t, f) })
	t.Run("SIGKILL", func(t *testing.T) { testSIGKILL(t, f) })
}

// A backup taken while the service answers reads and an import writes
// is a whole database as of one instant: it passes the integrity check,
// holds the data of one side of the import, and a service started on it
// answers as the source did at that instant. No read fails meanwhile.
func testBackupWhileServing(t *testing.T, f *crashFixture) {
	path := f.copyBase(t)
	m := MustRun(t, path, nil)
	base := "http://" + m.Addr()
	reads := []string{probes[0], probes[1], "/tiles/7/77/50.mvt?datetime=2024-12-05T00:00:00Z", "/healthz"}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []string
	var nreads int
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := i; ; j++ {
				select {
				case <-stop:
					return
				default:
				}
				res, err := http.Get(base + reads[j%len(reads)])
				mu.Lock()
				nreads++
				if err != nil {
					failed = append(failed, err.Error())
				} else {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 {
						failed = append(failed, fmt.Sprintf("%s: %d", reads[j%len(reads)], res.StatusCode))
					}
				}
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	// The import writes while backups are taken, one after another,
	// until it is done.
	importDone := make(chan string, 1)
	go func() {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"import", "--db", path, f.bigFile}, &out, &errb)
		importDone <- fmt.Sprintf("exit %d: %s%s", code, out.String(), errb.String())
	}()
	dir := t.TempDir()
	var outs []string
	var took []time.Duration
	var importResult string
	for importResult == "" || len(outs) < 2 {
		out := filepath.Join(dir, fmt.Sprintf("backup-%d.db", len(outs)))
		var stdout, stderr bytes.Buffer
		start := time.Now()
		if code := run(context.Background(), []string{"backup", "--db", path, out}, &stdout, &stderr); code != 0 {
			t.Fatalf("backup: exit %d: %s", code, stderr.String())
		}
		took = append(took, time.Since(start))
		if !strings.Contains(stdout.String(), "backed up") {
			t.Errorf("backup printed %q", stdout.String())
		}
		outs = append(outs, out)
		select {
		case importResult = <-importDone:
		case <-time.After(500 * time.Millisecond):
		}
	}
	if !strings.HasPrefix(importResult, "exit 0") {
		t.Fatalf("import during the backups: %s", importResult)
	}
	// The service swaps to the imported data by itself.
	for deadline := time.Now().Add(20 * time.Second); probe(t, base).version != f.after.version; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the service never served the import")
		}
	}
	close(stop)
	wg.Wait()
	if len(failed) > 0 {
		t.Errorf("%d of %d reads during the backups failed: %v", len(failed), nreads, failed[:min(5, len(failed))])
	}
	t.Logf("%d backups (%v) during the import, %d reads, all 200", len(outs), took, nreads)

	// Every backup is whole; the first and the last are served.
	sides := map[string]int{}
	for i, out := range outs {
		mustCheck(t, out)
		st := readState(t, out)
		switch {
		case st.changes["big.geojsonl"] == 0 && st.changes[app.OriginEmbedded] == f.clean.changes[app.OriginEmbedded]:
			sides["before"]++
		case st.changes["big.geojsonl"] == f.bigN:
			sides["after"]++
		default:
			t.Errorf("%s holds %v: neither side of the import", out, st.changes)
		}
		if i != 0 && i != len(outs)-1 {
			continue
		}
		want := f.before
		if st.changes["big.geojsonl"] > 0 {
			want = f.after
		}
		bm := MustRun(t, out, nil)
		probe(t, "http://"+bm.Addr()).diff(t, want, out)
		bm.Close()
	}
	t.Logf("backups by side of the import: %v", sides)

	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"backup", "--db", path, outs[0]}, &stdout, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "exists") {
		t.Errorf("backup over an existing file: exit %d: %s", code, stderr.String())
	}
	if code := run(context.Background(), []string{"backup", "--db", filepath.Join(dir, "none.db"), filepath.Join(dir, "x.db")},
		&stdout, &stderr); code != 2 {
		t.Errorf("backup of a missing database: exit %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("backing up a missing database created it")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "backup-") || !strings.HasSuffix(e.Name(), ".db") {
			t.Errorf("left in the backup folder: %s", e.Name())
		}
	}
}

// Changes committed by a process that died before it stored their
// territory are built into the map at the next start, and the territory
// stored then is reused by the start after.
func testCommittedChangesRebuild(t *testing.T, f *crashFixture) {
	path := f.copyBase(t)
	changes, err := timeline.Read(strings.NewReader(readFile(t, f.bigFile)))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	// What `frontline import` commits before it builds anything.
	if err := st.ImportChanges(context.Background(), "big.geojsonl", changes); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if s := readState(t, path); s.digest != f.clean.digest {
		t.Fatalf("the import alone changed the stored territory: %s", s.digest)
	}
	restartRebuilds(t, path, f.after, f.cleanImported.digest)
}

// restartRebuilds starts the service on path: it must derive the
// territory, answer as want, and store the territory under digest; the
// next start must reuse it.
func restartRebuilds(t *testing.T, path string, want served, digest string) {
	t.Helper()
	var logs bytes.Buffer
	m := MustRun(t, path, &logs)
	probe(t, "http://"+m.Addr()).diff(t, want, "the start after")
	m.Close()
	if !strings.Contains(logs.String(), "territory derived") {
		t.Errorf("the start did not derive the territory: %s", logs.String())
	}
	if s := readState(t, path); s.digest != digest {
		t.Errorf("stored territory digest %s, want %s (a clean run's)", s.digest, digest)
	}
	logs.Reset()
	m = MustRun(t, path, &logs)
	probe(t, "http://"+m.Addr()).diff(t, want, "the second start after")
	m.Close()
	if strings.Contains(logs.String(), "territory derived") {
		t.Errorf("the second start derived the territory again")
	}
}

// Accepting a claim writes its change, its decision and the revision
// bump (what tells every process to rebuild) in one transaction: a
// failure at the decision or at the bump leaves none of them. The
// territory is not part of it: it is keyed by a digest of the changes,
// so an accepted change whose territory was never stored is built at the
// next start.
func testAcceptIsOneTransaction(t *testing.T, f *crashFixture) {
	ctx := context.Background()
	path := f.copyBase(t)
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	raqqa := findPlace(t, "Raqqa")
	published := time.Date(2024, 12, 10, 9, 0, 0, 0, time.UTC)
	art := &geo.Article{Outlet: "test", Published: published, Text: "A made-up report that ISIS took Raqqa."}
	claim := &geo.Claim{PlaceID: raqqa, Name: "Raqqa", Faction: geo.ISIS, Action: "took", Status: geo.Claimed,
		At: published, Precision: geo.Day, Quote: "ISIS took Raqqa", Start: 21, End: 36}
	if err := st.AddArticle(ctx, art, nil, []*geo.Claim{claim}); err != nil {
		t.Fatal(err)
	}
	change := &geo.Change{ID: app.ChangeID(claim.ID), Place: raqqa, Name: "Raqqa", Faction: geo.ISIS, At: published,
		Precision: geo.Day, Status: geo.Claimed, Summary: "A made-up accepted claim.",
		Sources: []geo.Source{{Outlet: "test", Published: published, Quote: "ISIS took Raqqa"}}}
	rev0 := readState(t, path).revision

	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, tc := range []struct{ name, trigger string }{
		{"AtTheDecision", `CREATE TRIGGER fail_accept BEFORE UPDATE ON claims BEGIN SELECT RAISE(ABORT, 'injected failure'); END`},
		{"AtTheRevision", `CREATE TRIGGER fail_accept BEFORE UPDATE ON meta WHEN NEW.key = 'revision' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := raw.Exec(tc.trigger); err != nil {
				t.Fatal(err)
			}
			defer raw.Exec(`DROP TRIGGER fail_accept`)
			_, err := st.AcceptClaim(ctx, claim.ID, time.Now(), app.OriginClaims, change)
			if err == nil || !strings.Contains(err.Error(), "injected failure") {
				t.Fatalf("accept with the injected failure: %v", err)
			}
			s := readState(t, path)
			c, err := st.Claim(ctx, claim.ID)
			if err != nil {
				t.Fatal(err)
			}
			if s.changes[app.OriginClaims] != 0 || s.revision != rev0 || c.Review != geo.Pending || c.Change != "" {
				t.Errorf("a failed accept left: %d changes from claims, revision %s (was %s), claim %s %q",
					s.changes[app.OriginClaims], s.revision, rev0, c.Review, c.Change)
			}
		})
	}
	// Committed, and the process dies before it builds anything.
	if _, err := st.AcceptClaim(ctx, claim.ID, time.Now(), app.OriginClaims, change); err != nil {
		t.Fatal(err)
	}
	st.Close()
	s := readState(t, path)
	if s.changes[app.OriginClaims] != 1 || s.revision == rev0 || s.digest != f.clean.digest {
		t.Fatalf("after the accept: %+v", s)
	}
	var logs bytes.Buffer
	m := MustRun(t, path, &logs)
	var a controlAnswer
	if code, _, body := getJSON(t, "http://"+m.Addr()+probes[0], &a); code != 200 || a.Controller != geo.ISIS {
		t.Errorf("Raqqa after the accepted claim: %d %s", code, body)
	}
	if code, _, body := getJSON(t, "http://"+m.Addr()+probes[1], nil); code != 200 || string(body) != f.before.answers[1] {
		t.Errorf("Aleppo after the accepted claim: %d %s", code, body)
	}
	m.Close()
	if !strings.Contains(logs.String(), "territory derived") {
		t.Error("the start after the accept did not derive the territory")
	}
	if d := readState(t, path).digest; d == f.clean.digest || d == "" {
		t.Errorf("the start after the accept stored territory digest %q", d)
	}
}

func readFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// killPoint says when a process is killed: once a message of its log
// starts with line (if set), or once ready reports true (if set), and
// delay after that.
type killPoint struct {
	name  string
	line  string
	ready func() bool
	delay time.Duration
}

// killAt starts cmd and SIGKILLs it at the point; it reports whether the
// process had ended by itself first.
func killAt(t *testing.T, cmd *exec.Cmd, kp killPoint) (finished bool) {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	exited := make(chan struct{})
	seen := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			var l struct{ Msg string }
			if kp.line != "" && json.Unmarshal(sc.Bytes(), &l) == nil && strings.HasPrefix(l.Msg, kp.line) {
				once.Do(func() { close(seen) })
			}
		}
		close(exited)
	}()
	if kp.line != "" {
		select {
		case <-seen:
		case <-exited:
		case <-time.After(60 * time.Second):
			t.Errorf("%s: no %q in 60 s", kp.name, kp.line)
		}
	}
	if kp.ready != nil {
		deadline := time.Now().Add(60 * time.Second)
	poll:
		for !kp.ready() {
			if time.Now().After(deadline) {
				t.Errorf("%s: not ready in 60 s", kp.name)
				break
			}
			select {
			case <-exited:
				break poll
			case <-time.After(2 * time.Millisecond):
			}
		}
	}
	select {
	case <-time.After(kp.delay):
	case <-exited:
	}
	select {
	case <-exited:
		finished = true
	default:
	}
	cmd.Process.Signal(syscall.SIGKILL)
	t.Logf("%s: SIGKILL %v after the start", kp.name, time.Since(started).Round(time.Millisecond))
	<-exited
	err = cmd.Wait()
	if !finished {
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Logf("%s: exit %v before the kill landed", kp.name, err)
			finished = true
		}
	}
	return finished
}

// SIGKILL at points of the first start and of an import leaves a
// database that passes the integrity check, holds an import whole or not
// at all, and on which the next start completes and answers as a clean
// database with the same data.
func testSIGKILL(t *testing.T, f *crashFixture) {
	bin := buildBinary(t)
	t.Run("FirstStart", func(t *testing.T) {
		for _, kp := range []killPoint{
			{name: "After300ms", delay: 300 * time.Millisecond},
			{name: "PlacesFilled", line: "database filled"},
			{name: "DerivingTerritory", line: "timeline loaded", delay: 500 * time.Millisecond},
			{name: "StoringTerritory", line: "territory derived"},
		} {
			t.Run(kp.name, func(t *testing.T) {
				t.Parallel()
				path := filepath.Join(t.TempDir(), "f.db")
				cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", path)
				if killAt(t, cmd, kp) {
					t.Logf("the start completed before the kill")
				}
				afterKill(t, bin, path, f.before, f.clean)
			})
		}
	})
	t.Run("Import", func(t *testing.T) {
		for _, kp := range []killPoint{
			{name: "Opening", delay: 100 * time.Millisecond},
			{name: "InTransaction"},
			{name: "JustCommitted"},
			{name: "Deriving", delay: 700 * time.Millisecond},
		} {
			t.Run(kp.name, func(t *testing.T) {
				t.Parallel()
				path := f.copyBase(t)
				start := time.Now()
				switch kp.name {
				case "InTransaction":
					// Past the migrations' short write locks, the first
					// one held is the import's.
					locked := writeLockProbe(t, path)
					kp.ready = func() bool { return time.Since(start) > 150*time.Millisecond && locked() }
				case "JustCommitted", "Deriving":
					kp.ready = func() bool { return readState(t, path).changes["big.geojsonl"] > 0 }
				}
				cmd := exec.Command(bin, "import", "--db", path, f.bigFile)
				if killAt(t, cmd, kp) {
					t.Logf("the import completed before the kill")
				}
				st := readState(t, path)
				want, wantState := f.before, f.clean
				switch n := st.changes["big.geojsonl"]; n {
				case 0:
				case f.bigN:
					want, wantState = f.after, f.cleanImported
				default:
					t.Fatalf("the killed import left %d of its %d changes", n, f.bigN)
				}
				afterKill(t, bin, path, want, wantState)
			})
		}
	})
}

// writeLockProbe returns a function that tells whether another
// connection holds the database's write lock, by trying to take it
// without waiting.
func writeLockProbe(t *testing.T, path string) func() bool {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=rw&_txlock=immediate&_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return func() bool {
		tx, err := db.Begin()
		if err != nil {
			return strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy")
		}
		tx.Rollback()
		return false
	}
}

// afterKill checks the killed process's database, then starts the
// binary on it and compares its answers with a clean database's.
func afterKill(t *testing.T, bin, path string, want served, clean dbState) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		mustCheck(t, path)
	}
	before := readState(t, path)
	t.Logf("after the kill: changes %v, territory stored %v", before.changes, before.digest == clean.digest)
	addr, cmd := startServe(t, bin, path)
	if code, _ := httpGet(t, addr+"/healthz"); code != 200 {
		t.Fatalf("healthz after the restart: %d", code)
	}
	probe(t, addr).diff(t, want, "the restart")
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	mustCheck(t, path)
	if s := readState(t, path); s.digest != clean.digest {
		t.Errorf("after the restart the stored territory is %s, a clean database's %s", s.digest, clean.digest)
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nodeTimeout bounds the whole Node run, which takes 10-20 s.
const nodeTimeout = 2 * time.Minute

// nodeExportAt is the keyframe the GeoJSON export is written at.
const nodeExportAt = "2024-12-05T10:00:00Z"

var (
	// nodeProblemLine is a line of TAP or stderr that reports a failure,
	// whatever the exit code says.
	nodeProblemLine = regexp.MustCompile(`(?i)^\s*not ok\b|\berror\b|\w+Error\b|^Bail out!`)
	nodeCountLine   = regexp.MustCompile(`^# (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$`)
)

// TestNodeClients runs the checks in clients/node with Node's test
// runner against a real service: the vector tiles through
// @mapbox/vector-tile, /ogc/api through swagger-cli and redocly, the
// items and the export through geojsonhint. Packages come from
// node_modules, installed from package-lock.json by `make assets`.
func TestNodeClients(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is missing: install nodejs (v20 or later)")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"swagger-cli", "redocly"} {
		if _, err := os.Stat(filepath.Join(root, "node_modules", ".bin", tool)); err != nil {
			t.Fatalf("node_modules/.bin/%s is missing: run `make assets` (npm ci): %v", tool, err)
		}
	}

	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	m := MustRun(t, db, nil)
	export := filepath.Join(dir, "export.geojson")
	nodeExportGeoJSON(t, db, export)

	ctx, cancel := context.WithTimeout(context.Background(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=tap", "--test-concurrency=3", "clients/node/")
	cmd.Dir = root
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = append(nodeEnviron(),
		"FRONTLINE_URL=http://"+m.Addr(),
		"FRONTLINE_GEOJSON_EXPORT="+export,
		"TMPDIR="+t.TempDir(),
		"npm_config_offline=true",
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Errorf("node --test did not finish in %v", nodeTimeout)
	}

	var problems, summary []string
	counts := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(stdout.Bytes()))
	sc.Buffer(nil, 1<<20)
	quote, quoted := "", 0 // the indent of a failure's message block, and lines kept of it
	for sc.Scan() {
		line := sc.Text()
		if quote != "" && strings.HasPrefix(line, quote) && quoted < 8 {
			problems = append(problems, line)
			quoted++
			continue
		}
		quote = ""
		if nodeProblemLine.MatchString(line) {
			problems = append(problems, line)
			if strings.HasSuffix(line, "error: |-") {
				quote, quoted = strings.Repeat(" ", len(line)-len(strings.TrimLeft(line, " "))+2), 0
			}
		}
		if c := nodeCountLine.FindStringSubmatch(line); c != nil {
			counts[c[1]], _ = strconv.Atoi(c[2])
		}
		// Top-level comments are the checks' own figures and the totals.
		if strings.HasPrefix(line, "# ") && !strings.HasPrefix(line, "# Subtest:") {
			summary = append(summary, line)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if line != "" {
			problems = append(problems, "stderr: "+line)
		}
	}
	t.Logf("node --test clients/node:\n%s", strings.Join(summary, "\n"))

	if runErr != nil {
		t.Errorf("node --test: %v", runErr)
	}
	if counts["tests"] == 0 || counts["pass"] != counts["tests"] {
		t.Errorf("node --test: %d tests, %d passed", counts["tests"], counts["pass"])
	}
	for _, k := range []string{"fail", "cancelled", "skipped", "todo"} {
		if counts[k] != 0 {
			t.Errorf("node --test: %d %s", counts[k], k)
		}
	}
	if len(problems) > 0 {
		t.Errorf("node --test reports %d problem lines, first:\n%s", len(problems), strings.Join(problems[:min(len(problems), 40)], "\n"))
	}
	if t.Failed() {
		t.Logf("full TAP output:\n%s", stdout.String())
	}
}

// nodeExportGeoJSON writes `frontline export geojson` of nodeExportAt
// from the database at db into the file at path.
func nodeExportGeoJSON(t *testing.T, db, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"export", "geojson", "--db", db, "--datetime", nodeExportAt}, f, &errb); code != 0 {
		t.Fatalf("export geojson: exit %d: %s", code, errb.String())
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// nodeEnviron is the test's environment without NODE_OPTIONS, which
// could load hooks into every Node process of the run, and without
// NODE_TEST_CONTEXT, which would make the runner answer a parent runner
// instead of printing TAP.
func nodeEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NODE_OPTIONS=") && !strings.HasPrefix(kv, "NODE_TEST_CONTEXT=") {
			env = append(env, kv)
		}
	}
	return env
}

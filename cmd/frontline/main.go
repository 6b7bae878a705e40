// Command frontline serves and queries the frontline data: who controlled
// what in Syria from 26 Nov to 12 Dec 2024.
//
// Usage:
//
//	frontline serve [--addr 127.0.0.1:8080] [--db frontline.db] [--base-url URL] [--trust-proxy]
//	               [--read-timeout 30s] [--write-timeout 60s] [--idle-timeout 30s] [--memory-limit 512MiB]
//	frontline geocode [--limit N] NAME...
//	frontline reverse --lon LON --lat LAT
//	frontline import [--db frontline.db] FILE.geojsonl
//	frontline controller --lon LON --lat LAT [--at INSTANT] [--db frontline.db]
//	frontline export geojson [--datetime T] [--db frontline.db] > out.geojson
//	frontline export mbtiles [--datetime T] [--maxzoom 10] [--db frontline.db] OUT.mbtiles
//	frontline geoparse [--published T] < article.txt
//	frontline ingest --published T [--url U --outlet O] [--db frontline.db] ARTICLE.txt
//	frontline claims [list|accept ID|reject ID] [flags] [--db frontline.db]
//	frontline backup [--db frontline.db] OUT.db
//	frontline version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"frontline/geo"
)

// stdin is where geoparse reads its text; tests replace it.
var stdin io.Reader = os.Stdin

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `frontline: who controlled what in Syria, 26 Nov - 12 Dec 2024

Commands:
  serve      start the HTTP service (API and page)
  geocode    resolve a place name, one GeoJSON feature per line
  reverse    what is at a point: nearest settlement, governorate, country
  import     add control changes from a GeoJSON-lines file, all or none
  controller who controlled a point at an instant, and says who
  export     the map of an instant as GeoJSON or MBTiles
  geoparse   the places a news text names, and the control claims it makes
  ingest     store a news article with its places and proposed claims
  claims     list proposed claims; accept or reject them
  backup     copy the database into a new file, while it is served
  version    print the version

Run "frontline COMMAND -h" for a command's flags.
`

// run executes one command and returns the process's exit code: 0 on
// success, 2 for a usage error, 1 for anything else.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(ctx, args[1:], stderr)
	case "geocode":
		err = runGeocode(args[1:], stdout, stderr)
	case "reverse":
		err = runReverse(args[1:], stdout, stderr)
	case "import":
		err = runImport(ctx, args[1:], stdout, stderr)
	case "controller":
		err = runController(ctx, args[1:], stdout, stderr)
	case "export":
		err = runExport(ctx, args[1:], stdout, stderr)
	case "geoparse":
		err = runGeoparse(args[1:], stdin, stdout, stderr)
	case "ingest":
		err = runIngest(ctx, args[1:], stdout, stderr)
	case "claims":
		err = runClaims(ctx, args[1:], stdout, stderr)
	case "backup":
		err = runBackup(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "frontline: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage) || geo.ErrorCode(err) == geo.EINVALID:
		fmt.Fprintf(stderr, "frontline %s: %s\n", args[0], message(err))
		return 2
	default:
		fmt.Fprintf(stderr, "frontline %s: %s\n", args[0], message(err))
		return 1
	}
}

var errUsage = errors.New("usage")

func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

func message(err error) string {
	if c := geo.ErrorCode(err); c != geo.EINTERNAL {
		return geo.ErrorMessage(err)
	}
	return err.Error()
}

// dbFlag declares --db, the store's location, shared by every command
// that reads or writes the timeline.
func dbFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "db", envOr("FRONTLINE_DB", "frontline.db"),
		"where the data are kept: a SQLite file, created and filled on first use (env FRONTLINE_DB)")
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("frontline "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// envOr returns the environment variable's value, or def when it is unset.
func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

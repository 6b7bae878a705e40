package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"frontline/data"
	"frontline/geo"
	"frontline/internal/app"
	"frontline/internal/geocode"
	"frontline/internal/ingest"
	"frontline/internal/server"
)

// runGeoparse prints what POST /api/geoparse answers for the text on
// standard input. It needs no database.
func runGeoparse(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("geoparse", stderr)
	published := fs.String("published", "", "when the text was published, RFC 3339: relative times are read against it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("the text is read from standard input: frontline geoparse [--published T] < article.txt")
	}
	var at time.Time
	if *published != "" {
		t, err := server.ParseInstant(*published, "--published", time.Time{})
		if err != nil {
			return err
		}
		at = t
	}
	text, err := io.ReadAll(io.LimitReader(stdin, app.MaxArticleBytes+1))
	if err != nil {
		return err
	}
	if err := app.CheckText(string(text)); err != nil {
		return usageErrorf("%s", geo.ErrorMessage(err))
	}
	gz, err := geocode.LoadGazetteer(data.FS)
	if err != nil {
		return err
	}
	res := ingest.NewParser(gz).Parse(string(text), at)
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// runIngest reads an article file into the database: it stores the
// article with its mentions and proposed claims and prints the claims.
func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ingest", stderr)
	var dbPath string
	dbFlag(fs, &dbPath)
	published := fs.String("published", "", "when the article was published, RFC 3339 (required)")
	url := fs.String("url", "", "the article's address")
	outlet := fs.String("outlet", "", "who published it (default: the address's host)")
	asJSON := fs.Bool("json", false, "print the stored article as /api/articles answers it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("name one file: frontline ingest --published T [--url U --outlet O] ARTICLE.txt")
	}
	if *published == "" {
		return usageErrorf("--published is required: relative times such as \"on Sunday\" are read against it")
	}
	t, err := server.ParseInstant(*published, "--published", time.Time{})
	if err != nil {
		return err
	}
	text, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	st, a, err := openApp(ctx, dbPath, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	in, err := a.Ingest(ctx, &geo.Article{Text: string(text), URL: *url, Outlet: *outlet, Published: t})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(server.ArticleOf(in, false))
	}
	fmt.Fprintf(stdout, "article %d: %d places named, %d claims proposed (focus %s)\n", in.Article.ID,
		len(in.Mentions), len(in.Claims), focusName(in.Focus))
	return printClaims(stdout, in.Claims)
}

func focusName(f geo.Focus) string {
	if f.RegionName != "" {
		return f.RegionName + ", " + f.CountryName
	}
	if f.CountryName != "" {
		return f.CountryName
	}
	return "none"
}

// printClaims writes one line per claim.
func printClaims(w io.Writer, claims []*geo.Claim) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "CLAIM\tREVIEW\tSTATUS\tFACTION\tACTION\tPLACE\tAT\tBY\tQUOTE")
	for _, c := range claims {
		at := "-"
		if !c.At.IsZero() {
			at = c.At.UTC().Format("2006-01-02T15:04Z") + " (" + string(c.Precision) + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s (%s)\t%s\t%s\t%s\n", c.ID, c.Review, c.Status, c.Faction, c.Action,
			c.Name, c.PlaceID, at, nonEmpty(c.Attribution), clip(c.Quote, 70))
	}
	return tw.Flush()
}

func nonEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

const claimsUsage = `usage:
  frontline claims [list] [--status pending|accepted|rejected] [--article ID] [--json]
  frontline claims accept ID [--faction F] [--place ID] [--at T] [--precision hour|day] [--status S]
  frontline claims reject ID [--reason TEXT]`

// runClaims lists the proposed claims and decides them. An accepted claim
// becomes a change in the timeline; a service on the same database shows
// it within its poll interval.
func runClaims(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub := "list"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	fs := newFlagSet("claims "+sub, stderr)
	var dbPath string
	dbFlag(fs, &dbPath)
	switch sub {
	case "list":
		status := fs.String("status", "", "only claims with this review state: pending, accepted or rejected")
		article := fs.Int64("article", 0, "only the claims of this article")
		asJSON := fs.Bool("json", false, "print JSON as /api/claims answers")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return usageErrorf("unexpected arguments: %s\n%s", strings.Join(fs.Args(), " "), claimsUsage)
		}
		switch geo.Review(*status) {
		case "", geo.Pending, geo.Accepted, geo.Rejected:
		default:
			return usageErrorf("--status must be pending, accepted or rejected, got %q", *status)
		}
		st, a, err := openApp(ctx, dbPath, stderr)
		if err != nil {
			return err
		}
		defer st.Close()
		claims, err := a.Claims(ctx, app.ClaimFilter{Review: geo.Review(*status), Article: *article})
		if err != nil {
			return err
		}
		if *asJSON {
			if claims == nil {
				claims = []*geo.Claim{}
			}
			return json.NewEncoder(stdout).Encode(server.ClaimsJSON{Claims: claims})
		}
		return printClaims(stdout, claims)
	case "accept":
		faction := fs.String("faction", "", "correct the faction")
		place := fs.String("place", "", "correct the place (a gazetteer id such as gn:169577)")
		at := fs.String("at", "", "correct the instant, RFC 3339")
		precision := fs.String("precision", "", "correct the precision: hour or day")
		status := fs.String("status", "", "correct the status: confirmed, claimed or denied")
		id, err := claimID(fs, args)
		if err != nil {
			return err
		}
		fix := geo.Correction{Faction: *faction, PlaceID: *place, Precision: geo.Precision(*precision), Status: geo.Status(*status)}
		if *at != "" {
			if fix.At, err = server.ParseInstant(*at, "--at", time.Time{}); err != nil {
				return err
			}
		}
		st, a, err := openApp(ctx, dbPath, stderr)
		if err != nil {
			return err
		}
		defer st.Close()
		c, snap, err := a.Accept(ctx, id, fix)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "claim %d accepted as change %s: %s holds %s from %s (data version %s)\n", c.ID, c.Change,
			fixed(fix.Faction, c.Faction), c.Name, c.At.UTC().Format(time.RFC3339), snap.Version)
		return nil
	case "reject":
		reason := fs.String("reason", "", "why the claim is not taken")
		id, err := claimID(fs, args)
		if err != nil {
			return err
		}
		st, a, err := openApp(ctx, dbPath, stderr)
		if err != nil {
			return err
		}
		defer st.Close()
		c, err := a.Reject(ctx, id, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "claim %d rejected\n", c.ID)
		return nil
	}
	return usageErrorf("unknown claims command %q\n%s", sub, claimsUsage)
}

func fixed(correction, own string) string {
	if correction != "" {
		return correction
	}
	return own
}

// claimID parses the flags and the one claim id among the arguments,
// which may come before or after the flags.
func claimID(fs interface {
	Parse([]string) error
	NArg() int
	Arg(int) string
}, args []string) (int64, error) {
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return 0, err
	}
	if id == "" && fs.NArg() == 1 {
		id = fs.Arg(0)
	} else if fs.NArg() > 0 || id == "" {
		return 0, usageErrorf("name one claim id\n%s", claimsUsage)
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, usageErrorf("claim id must be a positive whole number, got %q", id)
	}
	return n, nil
}

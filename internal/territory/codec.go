package territory

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"time"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// algorithm names the way territory is derived; changing the derivation
// changes it, so that stored territory is rebuilt.
const algorithm = "h3r7-baseline-nearest-reach-areas-ended-v2"

// Digest identifies a set of changes, the places they name (where they
// are and how far they reach) and the derivation: stored territory built
// for another digest is stale.
func Digest(changes []*geo.Change, outline orb.MultiPolygon, places func(string) *geo.Place) string {
	h := sha256.New()
	fmt.Fprintln(h, algorithm)
	for _, poly := range outline {
		for _, r := range poly {
			fmt.Fprintln(h, len(r), r[0], r[len(r)/2])
		}
	}
	for _, c := range changes {
		fmt.Fprintln(h, c.ID, c.Place, c.Area, c.Faction, c.At.UTC().Format(time.RFC3339Nano), c.Status, c.RadiusKm, len(c.Shape))
		if p := places(c.Place); c.Place != "" && p != nil {
			fmt.Fprintln(h, p.Point, p.ReachKm())
		}
		for _, poly := range c.Shape {
			for _, r := range poly {
				for _, p := range r {
					fmt.Fprint(h, p[0], p[1], " ")
				}
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// outlineKey identifies the outline a grid's cover was built for.
func outlineKey(outline orb.MultiPolygon) string {
	h := sha256.New()
	fmt.Fprintln(h, algorithm)
	for _, poly := range outline {
		for _, r := range poly {
			fmt.Fprintln(h, r)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

type gridFile struct {
	Cells    []h3.Cell
	Class    []int32
	PieceIdx []int32
	Pieces   []orb.MultiPolygon
	Classes  []Class
}

// Encode writes the grid's point-query part for storage.
func (g *Grid) Encode() ([]byte, error) {
	f := gridFile{Cells: g.Cells, Class: g.Class, Classes: g.Classes}
	for i := range g.Cells {
		if p, ok := g.Pieces[int32(i)]; ok {
			f.PieceIdx = append(f.PieceIdx, int32(i))
			f.Pieces = append(f.Pieces, p)
		}
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeGrid reads a grid written by [Grid.Encode]. It answers point
// queries; dissolving needs a grid from [BuildGrid].
func DecodeGrid(b []byte) (*Grid, error) {
	var f gridFile
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&f); err != nil {
		return nil, fmt.Errorf("territory: decode grid: %w", err)
	}
	if len(f.Class) != len(f.Cells) || len(f.PieceIdx) != len(f.Pieces) {
		return nil, fmt.Errorf("territory: decode grid: inconsistent lengths")
	}
	g := &Grid{Cells: f.Cells, Class: f.Class, Classes: f.Classes, Pieces: make(map[int32]orb.MultiPolygon, len(f.Pieces))}
	for i, k := range f.PieceIdx {
		g.Pieces[k] = f.Pieces[i]
	}
	g.index = newPointIndex(hexagons(g.Cells), g.Pieces)
	return g, nil
}

// SyriaOutline is the ground the map covers: Natural Earth's Syria, the
// UNDOF zone, and the [OutlineAreas] the changes draw.
func SyriaOutline(country, undof orb.MultiPolygon, changes []*geo.Change) (orb.MultiPolygon, error) {
	shapes := []orb.MultiPolygon{country, undof}
	for _, c := range changes {
		for _, a := range OutlineAreas {
			if c.Area == a && c.At.Equal(geo.TimelineStart) {
				shapes = append(shapes, c.Shape)
			}
		}
	}
	return Union(shapes...)
}

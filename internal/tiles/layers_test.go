package tiles

import (
	"fmt"
	"testing"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// goldenLayers renders the golden keyframe's tiles at a few zooms,
// decoded.
func goldenLayers(t *testing.T) map[maptile.Tile]mvt.Layers {
	t.Helper()
	r, k := goldenRenderer(t)
	out := map[maptile.Tile]mvt.Layers{}
	for _, z := range []maptile.Zoom{4, 6, 8, 10, 12} {
		for _, p := range []orb.Point{{37.16, 36.2}, {36.63, 35.93}, {39.0, 35.95}, {37.5, 36.0}} {
			tile := maptile.At(p, z)
			raw, err := r.MVT(tile, k)
			if err != nil {
				t.Fatal(err)
			}
			if raw == nil {
				continue
			}
			ls, err := mvt.Unmarshal(raw)
			if err != nil {
				t.Fatal(err)
			}
			out[tile] = ls
		}
	}
	return out
}

// TestLayerFieldTypes compares the declared type of every field with the
// values real tiles carry, and each declared field with what they hold.
func TestLayerFieldTypes(t *testing.T) {
	declared := map[string]map[string]string{}
	for _, l := range Layers {
		if l.Description == "" {
			t.Errorf("layer %s has no description", l.ID)
		}
		declared[l.ID] = l.Fields
		for f, typ := range l.Fields {
			if typ != "String" && typ != "Number" && typ != "Boolean" {
				t.Errorf("layer %s field %s: type %q, not an MBTiles 1.3 type", l.ID, f, typ)
			}
		}
	}
	seen := map[string]map[string]bool{}
	for tile, ls := range goldenLayers(t) {
		for _, l := range ls {
			fields, ok := declared[l.Name]
			if !ok {
				t.Fatalf("tile %v: layer %s is not in Layers", tile, l.Name)
			}
			if seen[l.Name] == nil {
				seen[l.Name] = map[string]bool{}
			}
			for _, f := range l.Features {
				for k, v := range f.Properties {
					seen[l.Name][k] = true
					if got := mbtilesType(v); got != fields[k] {
						t.Errorf("tile %v layer %s field %s: a %s (%T), declared %q", tile, l.Name, k, got, v, fields[k])
					}
				}
			}
		}
	}
	for id, fields := range declared {
		for f := range fields {
			if !seen[id][f] {
				t.Errorf("layer %s: field %s declared, in no tile", id, f)
			}
		}
	}
}

// mbtilesType names the type of a decoded property value as MBTiles 1.3
// vector_layers do.
func mbtilesType(v any) string {
	switch v.(type) {
	case string:
		return "String"
	case bool:
		return "Boolean"
	case float64, float32, int64, uint64, int:
		return "Number"
	}
	return fmt.Sprintf("%T", v)
}

// TestFeatureIDs checks that every feature has an id, unique within its
// layer of a tile and the same for the same feature in every tile.
func TestFeatureIDs(t *testing.T) {
	ids := map[string]float64{} // layer and feature: id
	for tile, ls := range goldenLayers(t) {
		for _, l := range ls {
			inTile := map[float64]bool{}
			for _, f := range l.Features {
				id, ok := f.ID.(float64)
				if !ok || id <= 0 || id >= 1<<53 {
					t.Fatalf("tile %v layer %s: feature id %v, want a positive integer below 2^53", tile, l.Name, f.ID)
				}
				if inTile[id] {
					t.Errorf("tile %v layer %s: id %v twice", tile, l.Name, id)
				}
				inTile[id] = true
				key := l.Name + "/" + f.Properties.MustString("id", "")
				if l.Name == "control" {
					key = fmt.Sprint(l.Name, "/", f.Properties["controller"], "/", f.Properties["status"], "/", f.Properties["basis"])
				}
				if was, ok := ids[key]; ok && was != id {
					t.Errorf("%s: id %v in tile %v, %v elsewhere", key, id, tile, was)
				}
				ids[key] = id
			}
		}
	}
	if len(ids) < 8 {
		t.Errorf("only %d features seen: %v", len(ids), ids)
	}
	// Control ids tell every faction, status and basis apart; places take
	// their GeoNames number.
	seenControl := map[uint64]string{}
	for _, f := range geo.Factions {
		for _, s := range []geo.Status{"", geo.Confirmed, geo.Claimed, geo.Denied} {
			for _, b := range append([]geo.Basis{""}, geo.Bases...) {
				id, key := controlID(f.ID, s, b), fmt.Sprint(f.ID, s, b)
				if other, dup := seenControl[id]; dup {
					t.Errorf("control id %d for %s and %s", id, key, other)
				}
				seenControl[id] = key
			}
		}
	}
	if got := placeID("gn:170063"); got != 170063 {
		t.Errorf("place id of gn:170063: %d", got)
	}
	if got := placeID("ne:IL"); got < 1<<52 || got >= 1<<53 {
		t.Errorf("place id of ne:IL: %d, want a hash in [2^52, 2^53)", got)
	}
}

package territory

import (
	"time"

	"frontline/geo"
)

// groundKey packs what a keyframe's polygons are dissolved by: faction,
// status and basis. noGround marks a cell nobody is recorded to hold.
type groundKey uint8

const noGround groundKey = 255

func keyOf(faction int, status geo.Status, basis geo.Basis) groundKey {
	k := faction * 8
	if status == geo.Claimed {
		k += 4
	}
	for i, b := range geo.Bases {
		if b == basis {
			k += i
		}
	}
	return groundKey(k)
}

func (k groundKey) parts() (faction string, status geo.Status, basis geo.Basis) {
	status = geo.Confirmed
	if k%8 >= 4 {
		status = geo.Claimed
	}
	return geo.Factions[k/8].ID, status, geo.Bases[k%4]
}

// statusOf is the status ground takes from its span: the deciding
// change's; ground no force holds is as sure as the end of its last
// holder, which is confirmed.
func statusOf(s span) geo.Status {
	if s.Basis == geo.BasisNone || s.Change.Status != geo.Claimed {
		return geo.Confirmed
	}
	return geo.Claimed
}

// Territories dissolves the grid at every keyframe: per keyframe, one
// entry per faction × status × basis holding ground, in the order of
// [geo.Factions], confirmed before claimed, then [geo.Bases]. Ground whose
// cells did not change since the last keyframe keeps its polygons. The
// grid must come from [Build]: a stored grid cannot be dissolved.
func (m *Model) Territories() ([][]geo.Territory, error) { return m.TerritoriesOn(nil, nil) }

// TerritoriesOn is [Model.Territories] for a model built beside prev on
// the same cover ([BuildOn]), whose territories prevTerr are: ground whose
// cells are those prev had at the same instant keeps prev's polygons, so
// a change that adds one keyframe on the last day dissolves only what it
// moved. With prev nil, or on another cover, it dissolves everything.
func (m *Model) TerritoriesOn(prev *Model, prevTerr [][]geo.Territory) ([][]geo.Territory, error) {
	g := m.Grid
	if g.geom == nil {
		return nil, geo.Errorf(geo.EINTERNAL, "territory: the grid was loaded, not built; rebuild it to dissolve")
	}
	if prev != nil && (!g.SameCover(prev.Grid) || len(prevTerr) != len(prev.Keyframes)) {
		prev = nil
	}
	fidx := map[string]int{}
	for i, f := range geo.Factions {
		fidx[f.ID] = i
	}
	const keys = 256
	cur := make([]uint8, len(g.Cells))
	last := make([]uint8, len(g.Cells))
	var before []uint8 // prev's cells at the instant, when prev had ground then
	var beforeAt = -1
	out := make([][]geo.Territory, len(m.Keyframes))
	var lastGround map[groundKey]geo.Territory
	m.Areas = make([]map[string]float64, len(m.Keyframes))
	for k, kf := range m.Keyframes {
		m.keysAt(kf.At, fidx, cur)
		var prevGround map[groundKey]geo.Territory
		var sameAsPrev [keys]bool
		if prev != nil {
			if pk := prev.KeyframeAt(kf.At); pk >= 0 {
				if pk != beforeAt {
					if before == nil {
						before = make([]uint8, len(g.Cells))
					}
					prev.keysAt(prev.Keyframes[pk].At, fidx, before)
					beforeAt = pk
				}
				prevGround = map[groundKey]geo.Territory{}
				for _, t := range prevTerr[pk] {
					prevGround[keyOf(fidx[t.Faction], t.Status, t.Basis)] = t
				}
				for i := range sameAsPrev {
					sameAsPrev[i] = true
				}
				for i := range cur {
					if cur[i] != before[i] {
						sameAsPrev[cur[i]] = false
						sameAsPrev[before[i]] = false
					}
				}
			}
		}
		var changed [keys]bool
		var areas [keys]float64
		for i := range g.Cells {
			key := groundKey(cur[i])
			if key != noGround {
				areas[key] += g.geom.areaKm2[i]
			}
			if k == 0 || last[i] != cur[i] {
				changed[key] = true
				changed[last[i]] = true
			}
		}
		next := map[groundKey]geo.Territory{}
		m.Areas[k] = map[string]float64{}
		for key := groundKey(0); key < noGround; key++ {
			if areas[key] == 0 {
				continue
			}
			t, ok := lastGround[key]
			if !ok || changed[key] {
				if pt, had := prevGround[key]; had && sameAsPrev[key] {
					t = pt
				} else {
					faction, status, basis := key.parts()
					t = geo.Territory{Faction: faction, Status: status, Basis: basis, Shape: g.dissolve(cur, uint8(key))}
				}
			}
			t.AreaKm2 = areas[key]
			next[key] = t
			out[k] = append(out[k], t)
			m.Areas[k][t.Faction] += t.AreaKm2
		}
		lastGround = next
		cur, last = last, cur
	}
	return out, nil
}

// keysAt writes each cell's ground key at instant t into out.
func (m *Model) keysAt(t time.Time, fidx map[string]int, out []uint8) {
	classKey := make([]groundKey, len(m.histories))
	for i, h := range m.histories {
		classKey[i] = noGround
		for j := len(h) - 1; j >= 0; j-- {
			if !h[j].From.After(t) {
				classKey[i] = keyOf(fidx[h[j].Faction], statusOf(h[j]), h[j].Basis)
				break
			}
		}
	}
	for i, c := range m.Grid.Class {
		out[i] = uint8(classKey[c])
	}
}

package territory

import (
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
func (m *Model) Territories() ([][]geo.Territory, error) {
	g := m.Grid
	if g.geom == nil {
		return nil, geo.Errorf(geo.EINTERNAL, "territory: the grid was loaded, not built; rebuild it to dissolve")
	}
	fidx := map[string]int{}
	for i, f := range geo.Factions {
		fidx[f.ID] = i
	}
	const keys = 256
	classKey := make([]groundKey, len(g.Classes))
	cur := make([]uint8, len(g.Cells))
	prev := make([]uint8, len(g.Cells))
	out := make([][]geo.Territory, len(m.Keyframes))
	var last map[groundKey]geo.Territory
	m.Areas = make([]map[string]float64, len(m.Keyframes))
	for k, kf := range m.Keyframes {
		for i, h := range m.histories {
			classKey[i] = noGround
			for j := len(h) - 1; j >= 0; j-- {
				if !h[j].From.After(kf.At) {
					classKey[i] = keyOf(fidx[h[j].Faction], statusOf(h[j]), h[j].Basis)
					break
				}
			}
		}
		var changed [keys]bool
		var areas [keys]float64
		for i := range g.Cells {
			key := classKey[g.Class[i]]
			cur[i] = uint8(key)
			if key != noGround {
				areas[key] += g.geom.areaKm2[i]
			}
			if k == 0 || prev[i] != uint8(key) {
				changed[key] = true
				changed[prev[i]] = true
			}
		}
		next := map[groundKey]geo.Territory{}
		m.Areas[k] = map[string]float64{}
		for key := groundKey(0); key < noGround; key++ {
			if areas[key] == 0 {
				continue
			}
			t, ok := last[key]
			if !ok || changed[key] {
				faction, status, basis := key.parts()
				t = geo.Territory{Faction: faction, Status: status, Basis: basis, Shape: g.dissolve(cur, uint8(key))}
			}
			t.AreaKm2 = areas[key]
			next[key] = t
			out[k] = append(out[k], t)
			m.Areas[k][t.Faction] += t.AreaKm2
		}
		last = next
		cur, prev = prev, cur
	}
	return out, nil
}

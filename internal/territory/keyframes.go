package territory

import (
	"frontline/geo"
)

// Territories dissolves the grid at every keyframe: per keyframe, one
// entry per faction holding ground, in the order of [geo.Factions]. A
// faction whose cells did not change since the last keyframe keeps its
// polygons. The grid must come from [BuildGrid]: a stored grid cannot be
// dissolved.
func (m *Model) Territories() ([][]geo.Territory, error) {
	g := m.Grid
	if g.edges == nil {
		return nil, geo.Errorf(geo.EINTERNAL, "territory: the grid was loaded, not built; rebuild it to dissolve")
	}
	fidx := map[string]uint8{}
	for i, f := range geo.Factions {
		fidx[f.ID] = uint8(i)
	}
	const none = 255
	classFaction := make([]uint8, len(g.Classes))
	cur := make([]uint8, len(g.Cells))
	prev := make([]uint8, len(g.Cells))
	out := make([][]geo.Territory, len(m.Keyframes))
	var last map[uint8]geo.Territory
	m.Areas = make([]map[string]float64, len(m.Keyframes))
	for k, kf := range m.Keyframes {
		for i, h := range m.histories {
			classFaction[i] = none
			for j := len(h) - 1; j >= 0; j-- {
				if !h[j].From.After(kf.At) {
					classFaction[i] = fidx[h[j].Faction]
					break
				}
			}
		}
		changed := map[uint8]bool{}
		areas := make([]float64, len(geo.Factions))
		for i := range g.Cells {
			f := classFaction[g.Class[i]]
			cur[i] = f
			if f != none {
				areas[f] += g.areaKm2[i]
			}
			if k == 0 || prev[i] != f {
				changed[f] = true
				changed[prev[i]] = true
			}
		}
		next := map[uint8]geo.Territory{}
		for f := range geo.Factions {
			f := uint8(f)
			if areas[f] == 0 {
				continue
			}
			t, ok := last[f]
			if !ok || changed[f] {
				t = geo.Territory{Faction: geo.Factions[f].ID, Shape: g.dissolve(cur, f)}
			}
			t.AreaKm2 = areas[f]
			next[f] = t
			out[k] = append(out[k], t)
			if m.Areas[k] == nil {
				m.Areas[k] = map[string]float64{}
			}
			m.Areas[k][t.Faction] = t.AreaKm2
		}
		last = next
		cur, prev = prev, cur
	}
	return out, nil
}

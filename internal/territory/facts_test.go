package territory_test

import (
	"testing"
	"time"

	"frontline/geo"

	"github.com/paulmach/orb"
)

// TestCorrectedFacts asks the derived territory, at each place's own
// point, the facts the curated timeline was corrected for; the sources and
// their disagreements are in data/timeline/NOTES.md. Every instant is 12 h
// or more from the change it tests, so the hour estimates of day-precision
// rows do not decide the answer.
func TestCorrectedFacts(t *testing.T) {
	f := curated(t)
	pt := func(id string) orb.Point {
		t.Helper()
		p := f.gz.Place(id)
		if p == nil {
			t.Fatalf("no place %s in the gazetteer", id)
		}
		return p.Point
	}
	var (
		hmeimim   = pt("fl:hmeimim-air-base")
		tartusNB  = pt("fl:tartus-naval-base")
		latakiaAP = pt("fl:latakia-airport")
		khasham   = pt("gn:167899")
		hatla     = pt("fl:hatla")
		resafa    = pt("fl:resafa")
		sweida    = pt("gn:172408")
		menagh    = pt("fl:menagh-air-base")
		latakia   = pt("gn:173576")
		jableh    = pt("gn:169304")
		baniyas   = pt("gn:171830")
		tartus    = pt("gn:163345")
		qardaha   = pt("gn:173364")
		crossing  = pt("fl:abu-kamal-al-qaim-crossing")
		baath     = pt("fl:madinat-al-baath")
		qatana    = pt("gn:165929")
		quneitra  = pt("gn:173334")
		arnabah   = pt("gn:168355")
		hermon    = pt("fl:mount-hermon")
		kawm      = pt("fl:al-kawm")
		palmyra   = pt("gn:163808")
		sukhnah   = pt("gn:172425")
		tiyas     = pt("fl:tiyas-air-base")
		qamishli  = pt("fl:qamishli-airport")
		// Open desert about 65 km east of al-Sukhnah, beyond the reach of
		// every report: the army's, kept after the baseline, until it ended.
		desert = orb.Point{39.6, 34.9}
	)
	for _, tc := range []struct {
		name   string
		p      orb.Point
		at     time.Time
		want   string     // the faction, when set
		not    string     // a faction the answer must not be, when set
		basis  geo.Basis  // when set
		status geo.Status // of the deciding change, when set
	}{
		// 1. Russia keeps its bases when the government falls.
		{name: "Hmeimim is the government's on 7 Dec", p: hmeimim, at: day(7, 12), want: geo.Government},
		{name: "Hmeimim is Russian on 9 Dec", p: hmeimim, at: day(9, 12), want: geo.Russia, basis: geo.BasisPlace},
		{name: "the Tartus naval facility is the government's on 7 Dec", p: tartusNB, at: day(7, 12), want: geo.Government},
		{name: "the Tartus naval facility is Russian on 9 Dec", p: tartusNB, at: day(9, 12), want: geo.Russia, basis: geo.BasisPlace},
		{name: "the airfield Latakia airport shares with Hmeimim is Russian on 9 Dec", p: latakiaAP, at: day(9, 12), want: geo.Russia},

		// 2. The Khasham pocket: government-held on the east bank, SDF from 3-6 Dec, kept by the SDF.
		{name: "Khasham is the government's on 26 Nov", p: khasham, at: day(26, 12), want: geo.Government},
		{name: "Khasham is the SDF's on 7 Dec", p: khasham, at: day(7, 12), want: geo.SDF},
		{name: "Khasham stays the SDF's when HTS takes Deir ez-Zor", p: khasham, at: day(12, 12), want: geo.SDF},
		{name: "Hatla is the government's on 26 Nov", p: hatla, at: day(26, 12), want: geo.Government},
		{name: "Hatla is the SDF's on 7 Dec", p: hatla, at: day(7, 12), want: geo.SDF, basis: geo.BasisPlace},

		// 3. Resafa stayed the government's until the army left.
		{name: "Resafa is the government's on 26 Nov", p: resafa, at: day(26, 12), want: geo.Government},
		{name: "Resafa is the government's on 4 Dec", p: resafa, at: day(4, 12), want: geo.Government},
		{name: "Resafa is the SDF's on 7 Dec", p: resafa, at: day(7, 12), want: geo.SDF, status: geo.Claimed},

		// 4. Sweida city fell on 6 Dec.
		{name: "Sweida is the government's on 5 Dec", p: sweida, at: day(5, 12), want: geo.Government},
		{name: "Sweida is the southern factions' on the evening of 6 Dec", p: sweida, at: day(6, 18), want: geo.Southern, basis: geo.BasisPlace},

		// 5. Menagh fell to the SNA on 1 Dec.
		{name: "Menagh is the SDF's on 30 Nov", p: menagh, at: day(30, 12), want: geo.SDF},
		{name: "Menagh is the SNA's on 1 Dec", p: menagh, at: day(1, 15), want: geo.SNA},

		// 6. The coast from 8 Dec; Qardaha only on 11 Dec.
		{name: "Latakia is HTS's on 8 Dec", p: latakia, at: day(8, 16), want: geo.HTS},
		{name: "Jableh is HTS's on 8 Dec", p: jableh, at: day(8, 16), want: geo.HTS},
		{name: "Baniyas is HTS's on 8 Dec", p: baniyas, at: day(8, 16), want: geo.HTS},
		{name: "Tartus is HTS's on 8 Dec", p: tartus, at: day(8, 16), want: geo.HTS},
		{name: "Qardaha is not HTS's on 9 Dec", p: qardaha, at: day(9, 12), not: geo.HTS},
		{name: "Qardaha is no one's on 9 Dec", p: qardaha, at: day(9, 12), want: geo.None},
		{name: "Qardaha is HTS's on 11 Dec", p: qardaha, at: day(11, 21), want: geo.HTS},

		// 7. The Abu Kamal - Al-Qa'im crossing: an SDF claim, then empty.
		{name: "the Abu Kamal crossing is the SDF's on 7 Dec, as a claim", p: crossing, at: day(7, 12), want: geo.SDF, status: geo.Claimed},
		{name: "the Abu Kamal crossing is no one's on 9 Dec", p: crossing, at: day(9, 12), want: geo.None, basis: geo.BasisPlace},
		{name: "the Abu Kamal crossing is still no one's on 12 Dec", p: crossing, at: day(12, 12), want: geo.None},

		// 8. Israel: the buffer zone and Hermon, not the towns beyond.
		{name: "Madinat al-Baath is not Israel's on 9 Dec", p: baath, at: day(9, 12), not: geo.Israel},
		{name: "Madinat al-Baath is the local factions' on 9 Dec", p: baath, at: day(9, 12), want: geo.Southern},
		{name: "Khan Arnabah, patrolled but not held, is not Israel's on 9 Dec", p: arnabah, at: day(9, 12), not: geo.Israel},
		{name: "Qatana is not Israel's on 11 Dec: the claim was denied", p: qatana, at: day(11, 12), not: geo.Israel},
		{name: "old Quneitra in the buffer zone is Israel's on 9 Dec", p: quneitra, at: day(9, 12), want: geo.Israel, status: geo.Claimed},
		{name: "the Syrian Hermon summit is Israel's on 9 Dec", p: hermon, at: day(9, 12), want: geo.Israel, basis: geo.BasisArea},

		// 9. ISIS around al-Kawm.
		{name: "al-Kawm is the government's on 5 Dec", p: kawm, at: day(5, 12), want: geo.Government},
		{name: "al-Kawm is ISIS's on 7 Dec, as a claim", p: kawm, at: day(7, 12), want: geo.ISIS, status: geo.Claimed},

		// 10. The Syrian Free Army's towns of 7 Dec, and not the desert between.
		{name: "Palmyra is the SFA's on 8 Dec", p: palmyra, at: day(8, 12), want: geo.Coalition, basis: geo.BasisPlace},
		{name: "al-Sukhnah is the SFA's on 8 Dec", p: sukhnah, at: day(8, 12), want: geo.Coalition},
		{name: "Tiyas (T4) is the SFA's on 8 Dec", p: tiyas, at: day(8, 12), want: geo.Coalition},
		{name: "the desert east of al-Sukhnah is not the SFA's", p: desert, at: day(8, 12), not: geo.Coalition},
		{name: "the desert east of al-Sukhnah is no one's on 9 Dec", p: desert, at: day(9, 12), want: geo.None, basis: geo.BasisNone},

		// 11. Qamishli airport: the SDF's claim of 6 Dec.
		{name: "Qamishli airport is the government's on 5 Dec", p: qamishli, at: day(5, 12), want: geo.Government},
		{name: "Qamishli airport is the SDF's on 7 Dec, as a claim", p: qamishli, at: day(7, 12), want: geo.SDF, status: geo.Claimed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := f.model.Control(tc.p, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			decided := "nothing"
			if c.Change != nil {
				decided = c.Change.ID
			}
			if tc.want != "" && c.Faction != tc.want {
				t.Errorf("%s, want %s (decided by %s, basis %s)", c.Faction, tc.want, decided, c.Basis)
			}
			if tc.not != "" && c.Faction == tc.not {
				t.Errorf("%s, want anything else (decided by %s, basis %s)", c.Faction, decided, c.Basis)
			}
			if tc.basis != "" && c.Basis != tc.basis {
				t.Errorf("basis %s, want %s (decided by %s)", c.Basis, tc.basis, decided)
			}
			if tc.status != "" && (c.Change == nil || c.Change.Status != tc.status) {
				t.Errorf("deciding change %s is not %s", decided, tc.status)
			}
		})
	}
}

package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"frontline/data"
	"frontline/geo"
	"frontline/internal/export"
)

// KeyframeFor returns the keyframe in force at t, the last one when t is
// zero. Returns ENOTFOUND before the timeline starts.
func (s *Snapshot) KeyframeFor(t time.Time) (int, error) {
	if t.IsZero() {
		return len(s.Keyframes) - 1, nil
	}
	k := s.KeyframeAt(t)
	if k < 0 {
		return 0, geo.Errorf(geo.ENOTFOUND, "the timeline starts at %s; nothing is mapped before it",
			s.Keyframes[0].At.Format(time.RFC3339))
	}
	return k, nil
}

// ExportGeoJSON writes each faction's ground at keyframe k as a feature of
// one FeatureCollection.
func (s *Snapshot) ExportGeoJSON(w io.Writer, k int) error {
	return export.WriteGeoJSON(w, s.Territories[k], k, s.Keyframes[k].At, s.Until(k), data.Attribution)
}

// ExportMBTiles writes the vector tiles of keyframe k over the mapped
// ground, zooms minZoom to maxZoom, to a new MBTiles file at path.
func (a *App) ExportMBTiles(ctx context.Context, s *Snapshot, k int, path string, minZoom, maxZoom int,
	progress func(done, total int)) error {
	if len(s.Territories[k]) == 0 {
		return geo.Errorf(geo.ENOTFOUND, "keyframe %d has no territories", k)
	}
	kf := s.Keyframes[k]
	meta := export.Metadata{
		Name: "frontline " + kf.At.UTC().Format(time.RFC3339),
		Description: fmt.Sprintf("Who controlled what in Syria at %s (keyframe %d of %d); frontline %s, data version %s",
			kf.At.UTC().Format(time.RFC3339), k+1, len(s.Keyframes), a.build, s.Version),
		Attribution: data.Attribution,
	}
	// The ground the territories cover, Golan included, which Natural
	// Earth's outline of Syria leaves out; padded against rounding.
	return export.WriteMBTiles(ctx, path, s.Renderer, k, s.Bound.Pad(0.01), minZoom, maxZoom, meta, progress)
}

package main

import (
	"context"
	"io"
)

// runExport writes the map of an instant as GeoJSON or MBTiles.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageErrorf("export is being written")
}

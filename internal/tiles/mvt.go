package tiles

import (
	"encoding/binary"
	"math"
)

// Writing Mapbox Vector Tiles 2.1: the protobuf wire format, written
// directly. orb's encoder builds maps and reflection-driven messages per
// feature, which made it most of a cold tile's cost; its decoder serves
// the tests.

const (
	geomPoint   = 1
	geomPolygon = 3

	cmdMoveTo    = 1
	cmdLineTo    = 2
	cmdClosePath = 7
)

// property is one key and value of a feature: string, float64, int or bool.
type property struct {
	key   string
	value any
}

// layerEncoder accumulates one layer's features, keys and values.
type layerEncoder struct {
	name     string
	features []byte
	keys     []string
	keyIndex map[string]uint32
	values   [][]byte
	strIndex map[string]uint32 // string values, the most common
	valIndex map[any]uint32
	tags     []uint32
	count    int
}

func newLayer(name string) *layerEncoder {
	// Sized for a busy tile's layer, to spare the maps' growing.
	return &layerEncoder{name: name, keyIndex: make(map[string]uint32, 8), strIndex: make(map[string]uint32, 64),
		valIndex: make(map[any]uint32, 8)}
}

func (l *layerEncoder) key(k string) uint32 {
	if i, ok := l.keyIndex[k]; ok {
		return i
	}
	i := uint32(len(l.keys))
	l.keys = append(l.keys, k)
	l.keyIndex[k] = i
	return i
}

func (l *layerEncoder) value(v any) uint32 {
	if sv, ok := v.(string); ok {
		if i, ok := l.strIndex[sv]; ok {
			return i
		}
		i := uint32(len(l.values))
		l.values = append(l.values, appendBytesField(nil, 1, []byte(sv)))
		l.strIndex[sv] = i
		return i
	}
	if i, ok := l.valIndex[v]; ok {
		return i
	}
	var b []byte
	switch v := v.(type) {
	case string:
		b = appendBytesField(b, 1, []byte(v))
	case float64:
		b = appendTag(b, 3, 1)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	case int:
		b = appendTag(b, 4, 0)
		b = binary.AppendUvarint(b, uint64(int64(v)))
	case bool:
		b = appendTag(b, 7, 0)
		if v {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	default:
		panic("tiles: unsupported property value")
	}
	i := uint32(len(l.values))
	l.values = append(l.values, b)
	l.valIndex[v] = i
	return i
}

// add appends a feature with its id; props are written in the order
// given.
func (l *layerEncoder) add(id uint64, geomType uint32, geom []uint32, props []property) {
	l.tags = l.tags[:0]
	for _, p := range props {
		l.tags = append(l.tags, l.key(p.key), l.value(p.value))
	}
	size := 1 + uvarintLen(id) + packedSize(2, l.tags) + 2 + packedSize(4, geom)
	b := appendTag(l.features, 2, 2)
	b = binary.AppendUvarint(b, uint64(size))
	b = appendTag(b, 1, 0)
	b = binary.AppendUvarint(b, id)
	b = appendPacked(b, 2, l.tags)
	b = appendTag(b, 3, 0)
	b = binary.AppendUvarint(b, uint64(geomType))
	l.features = appendPacked(b, 4, geom)
	l.count++
}

// appendTo writes the layer as field 3 of a Tile message.
func (l *layerEncoder) appendTo(tile []byte) []byte {
	var b []byte
	b = appendTag(b, 15, 0)
	b = binary.AppendUvarint(b, 2)
	b = appendBytesField(b, 1, []byte(l.name))
	b = append(b, l.features...)
	for _, k := range l.keys {
		b = appendBytesField(b, 3, []byte(k))
	}
	for _, v := range l.values {
		b = appendBytesField(b, 4, v)
	}
	b = appendTag(b, 5, 0)
	b = binary.AppendUvarint(b, Extent)
	return appendBytesField(tile, 3, b)
}

// appendLayers writes the layers that have features as a Tile message;
// nil when none has any.
func appendLayers(tile []byte, layers ...*layerEncoder) []byte {
	for _, l := range layers {
		if l.count > 0 {
			tile = l.appendTo(tile)
		}
	}
	return tile
}

func appendTag(b []byte, field, wire int) []byte {
	return binary.AppendUvarint(b, uint64(field<<3|wire))
}

func appendBytesField(b []byte, field int, v []byte) []byte {
	b = appendTag(b, field, 2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func appendPacked(b []byte, field int, vs []uint32) []byte {
	if len(vs) == 0 {
		return b
	}
	n := 0
	for _, v := range vs {
		n += uvarintLen(uint64(v))
	}
	b = appendTag(b, field, 2)
	b = binary.AppendUvarint(b, uint64(n))
	for _, v := range vs {
		b = binary.AppendUvarint(b, uint64(v))
	}
	return b
}

// packedSize is the encoded size of a packed field, tag included.
func packedSize(field int, vs []uint32) int {
	if len(vs) == 0 {
		return 0
	}
	n := 0
	for _, v := range vs {
		n += uvarintLen(uint64(v))
	}
	return uvarintLen(uint64(field<<3|2)) + uvarintLen(uint64(n)) + n
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

func zigzag(v int32) uint32 { return uint32((v << 1) ^ (v >> 31)) }

func command(id, count uint32) uint32 { return id&0x7 | count<<3 }

// pointGeometry encodes one point in tile units.
func pointGeometry(dst []uint32, p [2]int32) []uint32 {
	return append(dst[:0], command(cmdMoveTo, 1), zigzag(p[0]), zigzag(p[1]))
}

// polygonGeometry encodes polygons whose rings are in tile units and
// closed; exteriors must already have the positive area the format asks
// for (clockwise on screen), holes negative.
func polygonGeometry(dst []uint32, polys [][][][2]int32) []uint32 {
	dst = dst[:0]
	var cx, cy int32
	for _, poly := range polys {
		for _, ring := range poly {
			pts := ring[:len(ring)-1] // the close is implied
			if len(pts) < 3 {
				continue
			}
			dst = append(dst, command(cmdMoveTo, 1), zigzag(pts[0][0]-cx), zigzag(pts[0][1]-cy))
			cx, cy = pts[0][0], pts[0][1]
			dst = append(dst, command(cmdLineTo, uint32(len(pts)-1)))
			for _, p := range pts[1:] {
				dst = append(dst, zigzag(p[0]-cx), zigzag(p[1]-cy))
				cx, cy = p[0], p[1]
			}
			dst = append(dst, command(cmdClosePath, 1))
		}
	}
	return dst
}

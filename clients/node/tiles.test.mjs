// Vector tiles read by @mapbox/vector-tile + pbf, as MapLibre reads them:
// version, extent, polygon winding and validity, feature ids, and
// property types against /tiles.json, over a sweep of zooms and keyframes.

import test from 'node:test';
import assert from 'node:assert/strict';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import kinks from '@turf/kinks';
import { serviceURL, getJSON, mapLimit } from './common.mjs';
import { polygonProblems } from './polygons.mjs';

const base = serviceURL();

// Tiles are swept whole over Syria up to fullZoom; above it, only the
// tiles holding recorded changes, where the front lines run.
const fullZoom = 8;
const maxZoom = 14;
const changeTilesPerZoom = 8;
const mustSweep = ['7/77/50', '1/1/0'];
const mustKeyframe = '2024-12-05T10:00:00Z';

function tileOf(lon, lat, z) {
    const n = 2 ** z;
    const x = Math.floor((lon + 180) / 360 * n);
    const s = Math.sin(lat * Math.PI / 180);
    const y = Math.floor((0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n);
    return [Math.min(n - 1, Math.max(0, x)), Math.min(n - 1, Math.max(0, y))];
}

function sweep(bounds, changePoints) {
    const [west, south, east, north] = bounds;
    const tiles = new Set();
    for (let z = 0; z <= fullZoom; z++) {
        const [x0, y0] = tileOf(west, north, z), [x1, y1] = tileOf(east, south, z);
        for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) tiles.add(`${z}/${x}/${y}`);
    }
    // Each zoom starts the stride elsewhere, so zooms look at different places.
    const stride = Math.max(1, Math.floor(changePoints.length / changeTilesPerZoom));
    for (let z = fullZoom + 1; z <= maxZoom; z++) {
        for (let i = (z * 7) % stride, k = 0; i < changePoints.length && k < changeTilesPerZoom; i += stride, k++) {
            const [x, y] = tileOf(changePoints[i][0], changePoints[i][1], z);
            tiles.add(`${z}/${x}/${y}`);
        }
    }
    return [...tiles];
}

const mvtTypes = { Number: 'number', Boolean: 'boolean', String: 'string' };

test('the polygon check finds what it must', () => {
    const P = (x, y) => ({ x, y });
    const ring = (...pts) => [...pts.map(([x, y]) => P(x, y)), P(...pts[0])];
    const square = ring([0, 0], [10, 0], [10, 10], [0, 10]);
    assert.deepEqual(polygonProblems([square]).problems, []);
    assert.deepEqual(polygonProblems([square, ring([2, 2], [2, 8], [8, 8], [8, 2])]).problems, []);
    // A ring that runs back along its own edge, as along a clip line.
    assert.match(polygonProblems([ring([0, 0], [10, 0], [10, 10], [5, 10], [5, 0], [3, 0], [3, -5])]).problems.join(), /runs into itself/);
    // A lopsided bow tie; a square wound the wrong way.
    assert.match(polygonProblems([ring([0, 0], [0, 4], [10, 0], [10, 10])]).problems.join(), /runs into itself \(cross\)/);
    assert.match(polygonProblems([ring([0, 0], [0, 10], [10, 10], [10, 0])]).problems.join(), /not an exterior/);
    // A hole crossing its exterior, one outside it, and one through a vertex.
    assert.match(polygonProblems([square, ring([5, 5], [5, 15], [15, 15], [15, 5])]).problems.join(), /cross/);
    assert.match(polygonProblems([square, ring([20, 20], [20, 30], [30, 30], [30, 20])]).problems.join(), /not inside/);
    assert.match(polygonProblems([ring([0, 0], [10, 0], [10, 10], [5, 5], [0, 10]), ring([5, 5], [4, 12], [6, 12])]).problems.join(), /passes through|not inside/);
    // Two overlapping exteriors; two sharing an edge.
    assert.match(polygonProblems([square, ring([2, 2], [8, 2], [8, 8], [2, 8])]).problems.join(), /overlap/);
    assert.match(polygonProblems([square, ring([10, 0], [20, 0], [20, 10], [10, 10])]).problems.join(), /overlap/);
    // Touching at one point is valid.
    assert.deepEqual(polygonProblems([square, ring([10, 10], [20, 10], [20, 20], [10, 20])]).problems, []);
    // A repeated point.
    assert.match(polygonProblems([ring([0, 0], [10, 0], [10, 0], [10, 10])]).problems.join(), /length 0/);
});

test('vector tiles over a sweep of zooms and keyframes', async t => {
    const tilejson = await getJSON(`${base}/tiles.json`);
    const timeline = await getJSON(`${base}/api/timeline`);
    const instants = timeline.keyframes.map(k => k.at);
    assert.ok(instants.includes(mustKeyframe), `the timeline has no keyframe at ${mustKeyframe}`);
    const n = instants.length;
    const keyframes = [...new Set([instants[0], mustKeyframe, instants[Math.floor(2 * n / 3)], instants[n - 1]])];
    const changePoints = timeline.keyframes.flatMap(k => k.changes.map(c => c.point)).filter(Boolean);
    const tiles = sweep(tilejson.bounds, changePoints);
    for (const tile of mustSweep) assert.ok(tiles.includes(tile), `the sweep misses ${tile}`);

    const fieldTypes = {};
    const declared = [];
    for (const layer of tilejson.vector_layers) {
        fieldTypes[layer.id] = {};
        for (const [field, type] of Object.entries(layer.fields)) {
            fieldTypes[layer.id][field] = mvtTypes[type];
            if (!mvtTypes[type]) declared.push(`${layer.id}.${field}: ${JSON.stringify(type)} is not Number, Boolean or String`);
        }
    }

    // Each kind of problem: how many, and the first few in words.
    const found = Object.fromEntries(['fetch', 'layer', 'polygon', 'id', 'property'].map(k => [k, { count: 0, examples: [] }]));
    const counts = { tiles: 0, empty: 0, features: 0, polygons: 0, rings: 0 };
    const note = (kind, where, what) => {
        found[kind].count++;
        if (found[kind].examples.length < 12) found[kind].examples.push(`${where}: ${what}`);
    };
    const jobs = keyframes.flatMap(at => tiles.map(tile => ({ at, tile })));
    await mapLimit(jobs, 8, async ({ at, tile }) => {
        const [z, x, y] = tile.split('/');
        const url = new URL(tilejson.tiles[0].replace('{z}', z).replace('{x}', x).replace('{y}', y));
        url.searchParams.set('datetime', at);
        const where = `${tile} at ${at}`;
        const res = await fetch(url);
        counts.tiles++;
        if (res.status === 204) {
            counts.empty++;
            return;
        }
        if (res.status !== 200) {
            note('fetch', where, `status ${res.status}`);
            return;
        }
        const vt = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer())));
        for (const [name, layer] of Object.entries(vt.layers)) {
            if (layer.version !== 2 || layer.extent !== 4096) note('layer', where, `layer ${name}: version ${layer.version}, extent ${layer.extent}`);
            const types = fieldTypes[name];
            if (!types) note('property', where, `layer ${name} is not in /tiles.json vector_layers`);
            const ids = new Set();
            for (let i = 0; i < layer.length; i++) {
                const f = layer.feature(i);
                counts.features++;
                const at = `${where} ${name}#${i}`;
                if (f.id === undefined) note('id', at, 'no id');
                else if (ids.has(f.id)) note('id', at, `id ${f.id} repeats in the layer`);
                else ids.add(f.id);
                for (const [key, value] of Object.entries(f.properties)) {
                    if (!types) break;
                    if (!(key in types)) note('property', at, `property ${key} is not declared in vector_layers`);
                    else if (types[key] && typeof value !== types[key]) note('property', at, `${key} is ${typeof value} ${JSON.stringify(value)}, declared ${types[key]}`);
                }
                if (f.type !== 3) continue;
                counts.polygons++;
                const rings = f.loadGeometry();
                counts.rings += rings.length;
                const { problems } = polygonProblems(rings);
                rings.forEach((ring, r) => {
                    if (ring.length < 4) return;
                    const k = kinks({ type: 'Polygon', coordinates: [ring.map(p => [p.x, p.y])] });
                    if (k.features.length) problems.push(`@turf/kinks: ring ${r} self-intersects at ${k.features.slice(0, 3).map(p => p.geometry.coordinates.join(',')).join(' ')}`);
                });
                if (problems.length) note('polygon', at, `${problems.length} problems, first ${problems.slice(0, 3).join('; ')}`);
            }
        }
    });

    t.diagnostic(`${counts.tiles} tiles (${counts.empty} empty) at z0-${maxZoom} over ${keyframes.length} keyframes (${keyframes.join(', ')}): ` +
        `${counts.features} features, ${counts.polygons} polygons with ${counts.rings} rings checked, ${found.polygon.count} invalid`);
    const report = ({ count, examples }, what) => `${count} ${what}, first:\n  ${examples.join('\n  ')}`;
    await t.test('every tile answers 200 or 204', () => assert.equal(found.fetch.count, 0, report(found.fetch, 'tiles')));
    await t.test('every layer is version 2 with extent 4096', () => assert.equal(found.layer.count, 0, report(found.layer, 'layers')));
    await t.test('every polygon is valid and wound as MVT 2.1 says', () =>
        assert.equal(found.polygon.count, 0, report(found.polygon, `of ${counts.polygons} polygons invalid`)));
    await t.test('every feature has an id, unique in its layer', () => assert.equal(found.id.count, 0, report(found.id, 'features')));
    await t.test('/tiles.json declares field types as Number, Boolean or String', () =>
        assert.equal(declared.length, 0, report({ count: declared.length, examples: declared }, 'fields')));
    await t.test('every property has its declared type', () => assert.equal(found.property.count, 0, report(found.property, 'properties')));
    assert.ok(counts.polygons > 100, `only ${counts.polygons} polygons in the sweep`);
});

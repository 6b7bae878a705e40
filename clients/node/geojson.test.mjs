// Every GeoJSON the OGC API and the export write, through
// @mapbox/geojsonhint, which must give no hint at all.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import geojsonhint from '@mapbox/geojsonhint';
import { serviceURL, get, getJSON } from './common.mjs';

const base = serviceURL();
const at = '2024-12-05T10:00:00Z';
const bbox = '36,35,37.5,36.5'; // Aleppo to Hama, where most changes are
const collections = ['control', 'events', 'places'];

// Every hint geojsonhint gives breaks RFC 7946 (winding, ring closure,
// position size, member types, duplicate members), so none is allowed.
// Its one optional check, coordinate precision, stays off: §11.2 only
// advises on precision, and that check takes 90% of the time.

// jsonlint, behind the string form, finds duplicate members and lines but
// takes seconds per megabyte: larger documents are hinted as objects.
const stringFormLimit = 2 << 20;

async function check(name, text, want) {
    const doc = JSON.parse(text);
    const found = geojsonhint.hint(text.length <= stringFormLimit ? text : doc, { precisionWarning: false });
    tally.documents++;
    tally.bytes += text.length;
    assert.deepEqual(found.slice(0, 10).map(h => `line ${h.line}: ${h.message}`), [], `${name}: ${found.length} hints`);
    assert.equal(doc.type, want, `${name} is a ${doc.type}`);
    tally.features += doc.type === 'Feature' ? 1 : doc.features.length;
    return doc;
}

const tally = { documents: 0, features: 0, bytes: 0 };

async function items(path) {
    return check(path, await (await get(base + path)).text(), 'FeatureCollection');
}

for (const c of collections) {
    test(`geojsonhint passes every ${c} item`, async t => {
        const all = (await getJSON(`${base}/ogc/collections/${c}/items?limit=1`)).numberMatched;
        assert.ok(all > 0, `${c} has no items`);
        const whole = await items(`/ogc/collections/${c}/items?limit=${all}`);
        assert.equal(whole.features.length, all, `limit=${all} answers ${whole.features.length} of ${all} items`);

        const slice = await items(`/ogc/collections/${c}/items?datetime=${at}&limit=${all}`);
        assert.equal(slice.features.length, slice.numberMatched, `the slice at ${at} answers ${slice.features.length} of ${slice.numberMatched}`);
        assert.ok(slice.features.length > 0, `nothing at ${at}`);

        const page = await items(`/ogc/collections/${c}/items?bbox=${bbox}&limit=5&offset=1`);
        assert.ok(page.features.length > 0 && page.features.length <= 5, `bbox page of ${page.features.length}`);

        const id = slice.features[0].id;
        // ':' may stand in a path segment (RFC 3986 pchar), as in the service's own links.
        const path = `/ogc/collections/${c}/items/${encodeURIComponent(id).replaceAll('%3A', ':')}`;
        const one = await check(path, await (await get(base + path)).text(), 'Feature');
        assert.equal(one.id, id);
    });
}

test('geojsonhint passes the GeoJSON export', async t => {
    const file = process.env.FRONTLINE_GEOJSON_EXPORT;
    assert.ok(file, 'FRONTLINE_GEOJSON_EXPORT names no export file');
    const doc = await check(file, await readFile(file, 'utf8'), 'FeatureCollection');
    assert.ok(doc.features.length > 0, 'the export has no features');
    // The tests of a file run in order: this one is last.
    t.diagnostic(`geojsonhint: ${tally.documents} documents, ${tally.features} features, ${(tally.bytes / 1e6).toFixed(1)} MB, no hints`);
});

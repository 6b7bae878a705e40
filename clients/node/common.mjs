// Shared by the Node checks of frontline; cmd/frontline/node_test.go
// starts the service and passes its address in FRONTLINE_URL.

import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The service's base URL, without a trailing slash. */
export function serviceURL() {
    const url = process.env.FRONTLINE_URL;
    if (!url) throw new Error('FRONTLINE_URL is not set: run these through go test -run TestNode ./cmd/frontline');
    return url.replace(/\/+$/, '');
}

/** The repository's node_modules/.bin, so no tool is fetched from a registry. */
export const binDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/.bin');

/** GET url and return the response after checking its status. */
export async function get(url, want = 200) {
    const res = await fetch(url);
    if (res.status !== want) {
        throw new Error(`GET ${url}: status ${res.status}, want ${want}: ${(await res.text()).slice(0, 300)}`);
    }
    return res;
}

export async function getJSON(url) {
    return (await get(url)).json();
}

/** map runs fn over items with at most limit calls in flight, keeping order. */
export async function mapLimit(items, limit, fn) {
    const out = new Array(items.length);
    let next = 0;
    async function worker() {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i], i);
        }
    }
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return out;
}

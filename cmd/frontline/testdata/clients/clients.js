// What every test page shares: the service's address and the instant and
// view from the query string, and window.clientTest, where the page
// records what its map library reported. The Go test reads it.

const query = new URLSearchParams(location.search);
export const api = query.get('api');
export const at = query.get('at');
export const view = {lon: Number(query.get('lon')), lat: Number(query.get('lat')), zoom: Number(query.get('z'))};

// maps: per map, 'loading', 'drawn' or 'failed', and what the page counted.
export const report = (window.clientTest = {errors: [], tileErrors: [], maps: {}, settled: false});

window.addEventListener('error', (e) => report.errors.push(`${e.message} at ${e.filename}:${e.lineno}`));
window.addEventListener('unhandledrejection', (e) => report.errors.push(`unhandled rejection: ${e.reason}`));

export function loading(id) {
	report.maps[id] = {state: 'loading'};
	return report.maps[id];
}

export function finish(id, state) {
	report.maps[id].state = state;
	report.settled = Object.values(report.maps).every((m) => m.state !== 'loading');
}

// factionColours reads the faction colours from the service, as a page
// styling the ground by its controller would.
export async function factionColours() {
	const res = await fetch(`${api}/api/timeline`);
	if (!res.ok) throw new Error(`timeline: HTTP ${res.status}`);
	const timeline = await res.json();
	return Object.fromEntries(timeline.factions.map((f) => [f.id, f.color]));
}

// A colour no faction has, for ground of a controller the page does not know.
export const unknownColour = '#ff00ff';

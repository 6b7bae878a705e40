// Two Leaflet maps of one instant: Leaflet.VectorGrid on the vector tiles,
// styled by controller, and a plain tile layer of the raster tiles.
import {api, at, view, report, loading, finish, factionColours, unknownColour} from './clients.js';

const colours = await factionColours();
const newMap = (id) => L.map(id, {center: [view.lat, view.lon], zoom: view.zoom, zoomControl: false,
	attributionControl: false, fadeAnimation: false, zoomAnimation: false});

// watch counts a tile layer's tiles and its errors; the map is done at
// the layer's load, which Leaflet fires once every tile in view has
// loaded or failed.
function watch(id, layer) {
	const counts = loading(id);
	counts.loaded = 0;
	layer.on('tileload', () => counts.loaded++);
	layer.on('tileerror', (e) => report.tileErrors.push(`${id} ${e.coords.z}/${e.coords.x}/${e.coords.y}`));
	// One frame more, for the last tile to reach the screen.
	layer.once('load', () => requestAnimationFrame(() => requestAnimationFrame(() => finish(id, 'drawn'))));
	return layer;
}

const ground = (p) => ({fill: true, fillColor: colours[p.controller] ?? unknownColour, fillOpacity: 1, stroke: false});
watch('mvt', L.vectorGrid.protobuf(`${api}/tiles/{z}/{x}/{y}.mvt?datetime=${at}`, {
	rendererFactory: L.canvas.tile,
	maxNativeZoom: 14,
	vectorTileLayerStyles: {control: ground, events: [], places: []},
})).addTo(newMap('mvt'));

watch('png', L.tileLayer(`${api}/tiles/{z}/{x}/{y}.png?datetime=${at}`, {maxNativeZoom: 14})).addTo(newMap('png'));

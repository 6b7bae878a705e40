// Two MapLibre GL maps of one instant, each from the service's TileJSON:
// the vector tiles with a fill layer of control coloured by controller,
// and the raster tiles.
import {Map as MapLibreMap} from '/vendor/maplibre-gl/dist/maplibre-gl.mjs';
import {api, at, view, report, loading, finish, factionColours, unknownColour} from './clients.js';

const colours = await factionColours();
const background = {id: 'background', type: 'background', paint: {'background-color': '#ffffff'}};

function newMap(id, source, layer) {
	const counts = loading(id);
	// MapLibre's world is 512 pixels wide at zoom 0, Leaflet's and
	// OpenLayers' 256: one zoom less shows the same scale.
	const map = new MapLibreMap({container: id, center: [view.lon, view.lat], zoom: view.zoom - 1, attributionControl: false,
		interactive: false, fadeDuration: 0,
		style: {version: 8, sources: {frontline: source}, layers: [background, {...layer, id: 'ground', source: 'frontline'}]}});
	map.on('error', (e) => report.errors.push(`${id}: ${e.error?.message ?? e.error ?? e}`));
	counts.loaded = 0;
	map.on('sourcedata', (e) => e.tile && e.sourceId === 'frontline' && counts.loaded++);
	map.once('idle', () => {
		counts.sourceLoaded = map.isSourceLoaded('frontline');
		if (layer.type === 'fill') {
			const inSource = map.querySourceFeatures('frontline', {sourceLayer: 'control'});
			const rendered = map.queryRenderedFeatures({layers: ['ground']});
			counts.features = inSource.length;
			counts.rendered = rendered.length;
			counts.withoutID = inSource.filter((f) => f.id === undefined).length;
			counts.controllers = [...new Set(rendered.map((f) => f.properties.controller))].sort();
		}
		finish(id, 'drawn');
	});
	return map;
}

const fill = ['match', ['get', 'controller'], ...Object.entries(colours).flat(), unknownColour];
newMap('mvt', {type: 'vector', url: `${api}/tiles.json?datetime=${at}`},
	{type: 'fill', 'source-layer': 'control', paint: {'fill-color': fill, 'fill-antialias': false}});
newMap('png', {type: 'raster', url: `${api}/tiles.json?format=png&datetime=${at}`, tileSize: 256},
	{type: 'raster', paint: {'raster-fade-duration': 0}});

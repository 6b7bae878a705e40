// Two OpenLayers maps of one instant, the vector tiles and the OGC API
// items, each styled by controller.
import {api, at, view, report, loading, finish, factionColours, unknownColour} from './clients.js';

const colours = await factionColours();
const styles = {};
const styleOf = (feature) => {
	const c = feature.get('controller');
	styles[c] ??= new ol.style.Style({fill: new ol.style.Fill({color: colours[c] ?? unknownColour})});
	return styles[c];
};
const newView = () => new ol.View({center: ol.proj.fromLonLat([view.lon, view.lat]), zoom: view.zoom});
const newMap = (target, layer) => new ol.Map({target, layers: [layer], view: newView(), controls: [], interactions: []});

// Done once the data has come and a frame has been drawn with it.
function drawnAfter(map, id, loaded) {
	loaded.then(() => map.once('rendercomplete', () => finish(id, 'drawn')), (err) => {
		report.errors.push(`${id}: ${err}`);
		finish(id, 'failed');
	});
	map.render();
}

const tiles = loading('mvt');
tiles.loaded = 0;
const tileSource = new ol.source.VectorTile({
	format: new ol.format.MVT({layers: ['control']}),
	url: `${api}/tiles/{z}/{x}/{y}.mvt?datetime=${at}`,
	maxZoom: 14,
});
tileSource.on('tileloadend', () => tiles.loaded++);
tileSource.on('tileloaderror', (e) => report.tileErrors.push(`mvt ${e.tile.getTileCoord()}`));
const tileLayer = new ol.layer.VectorTile({source: tileSource, style: styleOf});
const tileMap = newMap('mvt', tileLayer);
// A tile that fails counts as tried: the error is recorded above.
drawnAfter(tileMap, 'mvt', new Promise((resolve) => tileSource.once(['tileloadend', 'tileloaderror'], resolve)));
tileMap.on('rendercomplete', () => {
	const extent = tileMap.getView().calculateExtent(tileMap.getSize());
	const found = tileLayer.getFeaturesInExtent(extent);
	tiles.features = found.length;
	tiles.controllers = [...new Set(found.map((f) => f.get('controller')))].sort();
});

const items = loading('geojson');
const itemSource = new ol.source.Vector({
	format: new ol.format.GeoJSON(),
	url: `${api}/ogc/collections/control/items?datetime=${at}&limit=1000`,
});
const itemMap = newMap('geojson', new ol.layer.Vector({source: itemSource, style: styleOf}));
drawnAfter(itemMap, 'geojson', new Promise((resolve, reject) => {
	itemSource.once('featuresloadend', resolve);
	itemSource.once('featuresloaderror', () => reject(new Error('featuresloaderror')));
}));
itemSource.on('featuresloadend', () => {
	items.features = itemSource.getFeatures().length;
	items.controllers = [...new Set(itemSource.getFeatures().map((f) => f.get('controller')))].sort();
});

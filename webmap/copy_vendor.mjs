// Copy the page's front-end assets from node_modules (installed by `npm ci` from the lock file)
// to webmap/static/vendor, which the Flask app serves: the page loads nothing from a CDN.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "webmap", "static", "vendor");
const copies = {
  "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
  "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
  "leaflet/dist/images": "leaflet/images",
  "leaflet.markercluster/dist/leaflet.markercluster.js": "markercluster/leaflet.markercluster.js",
  "leaflet.markercluster/dist/MarkerCluster.css": "markercluster/MarkerCluster.css",
  "leaflet.markercluster/dist/MarkerCluster.Default.css": "markercluster/MarkerCluster.Default.css",
  "leaflet-groupedlayercontrol/dist/leaflet.groupedlayercontrol.min.js":
    "groupedlayercontrol/leaflet.groupedlayercontrol.min.js",
  "leaflet-groupedlayercontrol/dist/leaflet.groupedlayercontrol.min.css":
    "groupedlayercontrol/leaflet.groupedlayercontrol.min.css",
  "leaflet-polylinedecorator/dist/leaflet.polylineDecorator.js":
    "polylinedecorator/leaflet.polylineDecorator.js",
};
rmSync(target, { recursive: true, force: true });
for (const [from, to] of Object.entries(copies)) {
  mkdirSync(dirname(join(target, to)), { recursive: true });
  cpSync(join(root, "node_modules", from), join(target, to), { recursive: true });
}
console.log(`webmap assets copied to ${target}`);

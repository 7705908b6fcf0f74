// The map libraries, bundled apart from the page's own script (api/static/map.js)
// so that page.js stays as written, readable and checked by the Go tests.
export * as maplibregl from "maplibre-gl";
export {TerraDraw, TerraDrawPolygonMode, TerraDrawLineStringMode, TerraDrawPointMode} from "terra-draw";
export {TerraDrawMapLibreGLAdapter} from "terra-draw-maplibre-gl-adapter";
import "maplibre-gl/dist/maplibre-gl.css";

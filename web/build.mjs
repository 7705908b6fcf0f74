// Builds the page into ../api/static (make web): map.js, one ES module with
// MapLibre GL JS and terra-draw, and map.css, MapLibre's style sheet; page.js, the
// page's own script, importing map.js and otherwise as written in src/; page.css;
// and MapLibre's worker, which the page loads from our origin.
import * as esbuild from "esbuild";
import {copyFileSync} from "node:fs";

const src = new URL("./src/", import.meta.url).pathname;
// REDLINE_WEB_OUT builds elsewhere (the Go test that checks api/static is current).
const out = process.env.REDLINE_WEB_OUT ? process.env.REDLINE_WEB_OUT.replace(/\/?$/, "/") : new URL("../api/static/", import.meta.url).pathname;
const common = {bundle: true, format: "esm", target: ["es2022"], outdir: out, legalComments: "eof", logLevel: "warning", sourcemap: false};
await esbuild.build({...common, entryPoints: {map: src + "map.js"}, minify: true});
await esbuild.build({...common, entryPoints: {page: src + "page.js"}, external: ["./map.js"]});
copyFileSync(src + "page.css", out + "page.css");
copyFileSync(src + "favicon.svg", out + "favicon.svg");
copyFileSync(new URL("node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs", import.meta.url), out + "maplibre-gl-worker.mjs");

// The map-first page of `redline serve`: the zoning as vector tiles of the server
// (GET /v1/tiles), a site brought as a file, pasted coordinates or a drawing, the
// project's facts, the report on the map and in a table, and a batch tab.
// Built by esbuild into api/static/page.js (make web); the server's CSP allows no
// inline script or style and no other origin, so nothing here makes any.
"use strict";
import {maplibregl, TerraDraw, TerraDrawPolygonMode, TerraDrawLineStringMode, TerraDrawPointMode, TerraDrawMapLibreGLAdapter} from "./map.js";

const $ = id => document.getElementById(id);
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));

// ---- language ------------------------------------------------------------
// Static text carries both languages (<span lang=…>, the style sheet shows one);
// text made here is picked with tr() and redrawn when the language changes.
let lang = localStorage.getItem("redline-lang") === "en" ? "en" : "zh";
const tr = (zh, en) => lang === "en" ? en : zh;
const num = (x, d) => (x ?? 0).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", {maximumFractionDigits: d});
const VERDICT = {
  prohibited: ["禁止", "Prohibited"], needs_info: ["需补充信息", "Needs information"],
  conditional: ["有条件准入", "Conditional"], admissible: ["可准入", "Admissible"],
};
const verdictName = v => VERDICT[v] ? tr(...VERDICT[v]) : v;
const VERDICT_COLOR = {prohibited: "#c62828", needs_info: "#f9a825", conditional: "#fdd835", admissible: "#2e7d32"};

function setLang(l) {
  lang = l;
  localStorage.setItem("redline-lang", l);
  document.documentElement.lang = l === "en" ? "en" : "zh-CN";
  $("lang").textContent = l === "en" ? "中文" : "English";
  document.title = tr("redline · 生态环境分区管控核查", "redline · ecological zoning check");
  renderLegend();
  if (lastReport) show(lastReport);
  if (selectedZone) openZone(selectedZone.layer, selectedZone.id);
  renderSite();
}
$("lang").addEventListener("click", () => setLang(lang === "en" ? "zh" : "en"));

// ---- tabs ----------------------------------------------------------------
for (const b of document.querySelectorAll("[data-tab]")) {
  b.addEventListener("click", () => {
    for (const o of document.querySelectorAll("[data-tab]")) {
      const on = o === b;
      o.setAttribute("aria-selected", String(on));
      $("panel-" + o.dataset.tab).hidden = !on;
    }
  });
}

// ---- the map -------------------------------------------------------------
// Colours by layer kind and canonical class: stricter classes darker and warmer.
const CLASS_COLOR = {
  redline: {redline: "#d32f2f"},
  ecu: {priority: "#e53935", key: "#fb8c00", general: "#7cb342"},
  qinling: {core: "#8e0000", key: "#ef6c00", general: "#9ccc65"},
  nature_reserve: {core: "#6a1b9a", buffer: "#9c27b0", experimental: "#ce93d8", general_control: "#ab47bc"},
  national_park: {core: "#1b5e20", general_control: "#66bb6a"},
  water_source: {level1: "#0d47a1", level2: "#1e88e5", quasi: "#90caf9"},
  industrial_park: {national: "#5d4037", provincial: "#8d6e63", other: "#bcaaa4"},
};
// Layers of kind custom (or classes outside the table) take a colour of their own
// layer from this palette, so that layers stay apart on the map and in the legend.
const PALETTE = ["#00838f", "#6d4c41", "#3949ab", "#c0ca33", "#d81b60", "#546e7a", "#8e24aa", "#00897b"];
const classColor = (kind, cls, i = 0) => (CLASS_COLOR[kind] || {})[cls] || PALETTE[i % PALETTE.length];
const CLASS_ZH = {
  redline: "生态保护红线", priority: "优先保护", key: "重点管控", general: "一般管控", core: "核心保护区", buffer: "缓冲区",
  experimental: "实验区", general_control: "一般控制区", level1: "一级保护区", level2: "二级保护区", quasi: "准保护区",
  national: "国家级", provincial: "省级", other: "其他",
};

const basemap = document.querySelector('meta[name="redline-basemap"]')?.content || "";
const style = {version: 8, sources: {}, layers: [{id: "background", type: "background", paint: {"background-color": "#eef1ec"}}]};
if (basemap) {
  style.sources.basemap = {type: "raster", tiles: [basemap], tileSize: 256};
  style.layers.push({id: "basemap", type: "raster", source: "basemap"});
}
// The worker is served beside the page's script (api/static), from our origin.
maplibregl.setWorkerUrl(new URL("/static/maplibre-gl-worker.mjs", location.origin).href);
const map = new maplibregl.Map({
  container: "map", style, center: [108.9, 34.2], zoom: 6, attributionControl: false,
  // Keyboard users pan with the arrows and zoom with +/- once the map has focus.
  keyboard: true, maxZoom: 18,
});
map.addControl(new maplibregl.NavigationControl({showCompass: false}), "top-right");
map.addControl(new maplibregl.ScaleControl({unit: "metric"}), "bottom-left");
window.redlineMap = map; // for tests and the console

let layers = []; // GET /v1/layers
const hidden = new Set();
const fillIds = [];

const mapReady = new Promise(res => map.on("load", res));
const layersReady = fetch("/v1/layers").then(r => r.json()).then(async j => {
  layers = j.layers || [];
  if (j.dataset) $("ds").textContent = j.dataset.name + " " + j.dataset.version;
  await mapReady;
  layers.forEach((l, i) => { l.index = i; });
  for (const l of layers) {
    const match = ["match", ["get", "class"]];
    for (const c of Object.keys(l.classes || {})) match.push(c, classColor(l.kind, c, l.index));
    match.push(classColor(l.kind, "", l.index));
    map.addSource("z-" + l.id, {
      type: "vector", tiles: [location.origin + "/v1/tiles/" + encodeURIComponent(l.id) + "/{z}/{x}/{y}.mvt"],
      minzoom: 0, maxzoom: 14,
    });
    if (l.geometry === "line") {
      map.addLayer({id: "z-" + l.id + "-line", type: "line", source: "z-" + l.id, "source-layer": l.id,
        paint: {"line-color": match, "line-width": 2}});
      fillIds.push("z-" + l.id + "-line");
    } else {
      map.addLayer({id: "z-" + l.id + "-fill", type: "fill", source: "z-" + l.id, "source-layer": l.id,
        paint: {"fill-color": match, "fill-opacity": 0.28}});
      map.addLayer({id: "z-" + l.id + "-line", type: "line", source: "z-" + l.id, "source-layer": l.id,
        paint: {"line-color": match, "line-width": 1}});
      fillIds.push("z-" + l.id + "-fill");
    }
  }
  addResultLayers();
  renderLegend();
  fitDataset();
}).catch(e => { $("ds").textContent = tr("无法读取图层：", "cannot read the layers: ") + e.message; });

// fitDataset frames the first layer's zones from a tile-free source: their
// bounding boxes come with GET /v1/layers/{layer}/zones (a page of them).
async function fitDataset() {
  if (!layers.length || lastReport) return;
  try {
    const r = await fetch("/v1/layers/" + encodeURIComponent(layers[0].id) + "/zones?limit=200&simplify=1000");
    const fc = await r.json();
    const b = bboxOf(fc);
    if (b && !lastReport) map.fitBounds(b, {padding: 20, duration: 0});
  } catch { /* the default view stays */ }
}

function renderLegend() {
  const el = $("legend");
  let h = '<h2>' + esc(tr("图层", "Layers")) + "</h2>";
  for (const l of layers) {
    h += '<div class="lg-layer"><label><input type="checkbox" data-layer-toggle="' + esc(l.id) + '"' + (hidden.has(l.id) ? "" : " checked") +
      "> " + esc(l.title || l.id) + "</label><ul>";
    for (const c of Object.keys(l.classes || {})) {
      h += '<li><i class="sw" data-color="' + esc(classColor(l.kind, c, l.index)) + '"></i>' + esc(lang === "en" ? c : (CLASS_ZH[c] || c)) +
        ' <span class="muted">' + num(l.classes[c], 0) + "</span></li>";
    }
    h += "</ul></div>";
  }
  el.innerHTML = h;
  // Colours through the CSSOM, not a style attribute: the CSP forbids inline styles.
  for (const sw of el.querySelectorAll("[data-color]")) sw.style.backgroundColor = sw.dataset.color;
  for (const cb of el.querySelectorAll("[data-layer-toggle]")) {
    cb.addEventListener("change", () => {
      const id = cb.dataset.layerToggle;
      if (cb.checked) hidden.delete(id); else hidden.add(id);
      for (const suffix of ["-fill", "-line"]) {
        if (map.getLayer("z-" + id + suffix)) map.setLayoutProperty("z-" + id + suffix, "visibility", cb.checked ? "visible" : "none");
      }
    });
  }
}

// ---- a zone's panel --------------------------------------------------------
let selectedZone = null;
const CLAUSE = {spatial_layout: ["空间布局约束", "Spatial layout"], pollutant_emission: ["污染物排放管控", "Pollutant emission"],
  environmental_risk: ["环境风险防控", "Environmental risk"], resource_efficiency: ["资源利用效率", "Resource efficiency"]};

map.on("click", e => {
  if (drawing) return;
  const fs = map.queryRenderedFeatures(e.point, {layers: fillIds.filter(id => map.getLayer(id))});
  if (fs.length) openZone(fs[0].properties.layer, fs[0].properties.zone_id);
});
map.on("mousemove", e => {
  if (drawing || !fillIds.length) return;
  const n = map.queryRenderedFeatures(e.point, {layers: fillIds.filter(id => map.getLayer(id))}).length;
  map.getCanvas().classList.toggle("pointer", n > 0);
});

async function openZone(layer, id, intersection) {
  selectedZone = {layer, id};
  const el = $("zone");
  el.hidden = false;
  el.innerHTML = '<p class="muted">' + esc(tr("读取中…", "Loading…")) + "</p>";
  try {
    const r = await fetch("/v1/layers/" + encodeURIComponent(layer) + "/zones/" + encodeURIComponent(id) + "?geometry=false");
    const f = await r.json();
    if (!r.ok) throw new Error(f.error ? f.error.message : r.statusText);
    const p = f.properties || {};
    const l = layers.find(x => x.id === layer) || {};
    let h = '<button type="button" class="close" data-testid="zone-close" aria-label="' + esc(tr("关闭", "Close")) + '">×</button>';
    h += "<h2>" + esc(p.name || id) + "</h2><p class=muted>" + esc(l.title || layer) + " · " + esc(id) + " · " +
      esc(lang === "en" ? (p.class || "") : (CLASS_ZH[p.class] || p.class || "")) + "</p>";
    if (intersection) {
      h += "<p><b>" + esc(verdictName(intersection.verdict)) + "</b></p>";
      for (const rule of intersection.rules || []) {
        h += '<div class="rule"><p>' + esc(rule.text) + '</p><p class="muted">' + esc(tr("依据：", "Source: ") + rule.source) + "</p></div>";
      }
    }
    const clauses = p.clauses || (intersection && intersection.clauses);
    if (clauses) {
      h += "<h3>" + esc(tr("准入清单", "Access list")) + "</h3><dl>";
      for (const k of Object.keys(CLAUSE)) if (clauses[k]) h += "<dt>" + esc(tr(...CLAUSE[k])) + "</dt><dd>" + esc(clauses[k]) + "</dd>";
      h += "</dl>";
    }
    const attrs = p.attributes || {};
    if (Object.keys(attrs).length) {
      h += "<details><summary>" + esc(tr("属性", "Attributes")) + "</summary><table>";
      for (const [k, v] of Object.entries(attrs)) h += "<tr><th>" + esc(k) + "</th><td>" + esc(typeof v === "object" ? JSON.stringify(v) : v) + "</td></tr>";
      h += "</table></details>";
    }
    el.innerHTML = h;
    el.querySelector(".close").addEventListener("click", () => { el.hidden = true; selectedZone = null; });
  } catch (e) {
    el.innerHTML = '<p class="err">' + esc(e.message) + "</p>";
  }
}

// ---- the site: a file, pasted coordinates, or a drawing ---------------------
let site = null; // {kind: "file"|"text"|"draw", name, blob, geojson}
function setSite(s) {
  site = s;
  renderSite();
  if (s && s.geojson) showFootprint(s.geojson);
}
function renderSite() {
  $("site").textContent = !site ? tr("尚未选择场地。", "No site yet.") :
    site.kind === "file" ? tr("场地：文件 ", "Site: file ") + site.name :
    site.kind === "text" ? tr("场地：粘贴的坐标", "Site: pasted coordinates") :
    tr("场地：地图上绘制的", "Site: drawn on the map ") + site.name;
}
renderSite();

$("file").addEventListener("change", () => {
  const f = $("file").files[0];
  if (f) setSite({kind: "file", name: f.name, blob: f});
});
$("geojson").addEventListener("input", () => {
  const v = $("geojson").value.trim();
  if (!v) { if (site && site.kind === "text") setSite(null); return; }
  const body = pastedToFile(v);
  setSite({kind: "text", name: body.name, blob: body.blob, geojson: body.geojson});
});

// pastedToFile reads pasted text: GeoJSON and WKT and 国土 TXT go to the server as
// written (it detects them); plain "lon,lat" lines become a GeoJSON polygon (or a
// line or point when they do not close a ring of at least three points).
function pastedToFile(v) {
  const lines = v.split(/\n+/).map(s => s.trim()).filter(Boolean);
  const pts = lines.map(s => s.split(/[\s,，;；]+/).map(Number));
  if (pts.length && pts.every(p => p.length === 2 && p.every(Number.isFinite))) {
    let g;
    if (pts.length === 1) g = {type: "Point", coordinates: pts[0]};
    else if (pts.length >= 3) {
      const ring = pts.slice();
      const [a, b] = [ring[0], ring[ring.length - 1]];
      if (a[0] !== b[0] || a[1] !== b[1]) ring.push(a);
      g = ring.length >= 4 ? {type: "Polygon", coordinates: [ring]} : {type: "LineString", coordinates: pts};
    } else g = {type: "LineString", coordinates: pts};
    const text = JSON.stringify({type: "Feature", properties: {}, geometry: g});
    return {name: "footprint.geojson", blob: new Blob([text], {type: "application/geo+json"}), geojson: g};
  }
  let geojson = null;
  try { const j = JSON.parse(v); geojson = j.type ? j : null; } catch { /* WKT or 国土 TXT: the server reads it */ }
  const name = geojson ? "footprint.geojson" : /^\s*(POLYGON|MULTIPOLYGON|LINESTRING|MULTILINESTRING|POINT|MULTIPOINT)/i.test(v) ? "footprint.wkt" : "footprint.txt";
  return {name, blob: new Blob([v], {type: "text/plain"}), geojson};
}

// Drop a file on the map.
const mapEl = $("map");
mapEl.addEventListener("dragover", e => { e.preventDefault(); mapEl.classList.add("drop"); });
mapEl.addEventListener("dragleave", () => mapEl.classList.remove("drop"));
mapEl.addEventListener("drop", e => {
  e.preventDefault();
  mapEl.classList.remove("drop");
  const f = e.dataTransfer.files[0];
  if (!f) return;
  const dt = new DataTransfer();
  dt.items.add(f);
  $("file").files = dt.files;
  setSite({kind: "file", name: f.name, blob: f});
});

// Drawing: terra-draw's polygon, line and point modes on MapLibre.
let draw = null;
let drawing = false;
mapReady.then(() => {
  draw = new TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({map}),
    modes: [new TerraDrawPolygonMode(), new TerraDrawLineStringMode(), new TerraDrawPointMode()],
  });
  draw.start();
  window.redlineDraw = draw;
  draw.on("finish", id => {
    const f = draw.getSnapshotFeature(id);
    if (!f) return;
    // One drawn site at a time: the new one replaces what was drawn before.
    for (const o of draw.getSnapshot()) if (o.id !== id) draw.removeFeatures([o.id]);
    const text = JSON.stringify({type: "Feature", properties: {}, geometry: f.geometry});
    setSite({kind: "draw", name: f.geometry.type, blob: new Blob([text], {type: "application/geo+json"}), geojson: f.geometry});
    // After the map's click handler has seen this click as part of the drawing,
    // not as a click on a zone.
    setTimeout(stopDrawing, 0);
  });
});
function stopDrawing() {
  drawing = false;
  if (draw) draw.setMode("static");
  mapEl.dataset.drawMode = "";
  for (const b of document.querySelectorAll("[data-draw]")) b.setAttribute("aria-pressed", "false");
}
for (const b of document.querySelectorAll("[data-draw]")) {
  b.setAttribute("aria-pressed", "false");
  b.addEventListener("click", () => {
    if (!draw) return;
    if (b.dataset.draw === "clear") {
      draw.clear();
      stopDrawing();
      if (site && site.kind === "draw") setSite(null);
      return;
    }
    drawing = true;
    draw.setMode(b.dataset.draw);
    mapEl.dataset.drawMode = b.dataset.draw;
    for (const o of document.querySelectorAll("[data-draw]")) o.setAttribute("aria-pressed", String(o === b));
  });
}

// ---- the project ---------------------------------------------------------
// project gathers the facts given; a blank control is a fact not given.
function project() {
  const p = {};
  for (const el of document.querySelectorAll("[data-fact]")) {
    const v = el.value.trim();
    if (!v) continue;
    switch (el.dataset.control) {
    case "flag": p[el.dataset.fact] = v === "true"; break;
    case "list": p[el.dataset.fact] = v.split(/[;；,，\n]+/).map(s => s.trim()).filter(Boolean); break;
    case "doc": p[el.dataset.fact] = /^(无|none)$/i.test(v) ? "" : v; break;
    case "text":
      // The industry picker shows "C2614 name": the code is what the rules read.
      p[el.dataset.fact] = el.dataset.fact === "industry" ? v.split(/\s+/)[0] : v;
      break;
    default: p[el.dataset.fact] = v;
    }
  }
  return p;
}

// The industry picker: GB/T 4754 codes and Chinese names from GET /v1/industries.
const industry = $("f-industry");
let industryTimer = 0;
if (industry) {
  industry.addEventListener("input", () => {
    clearTimeout(industryTimer);
    const q = industry.value.trim();
    if (!q || /\s/.test(q)) return;
    industryTimer = setTimeout(async () => {
      try {
        const r = await fetch("/v1/industries?limit=30&q=" + encodeURIComponent(q));
        const j = await r.json();
        $("industry-list").innerHTML = (j.industries || []).map(i => '<option value="' + esc(i.code + " " + i.name) + '"></option>').join("");
      } catch { /* the field still takes a typed code */ }
    }, 150);
  });
}

// ---- the check -------------------------------------------------------------
let lastReport = null;
$("f").addEventListener("submit", async ev => {
  ev.preventDefault();
  $("go").disabled = true;
  $("out").innerHTML = '<p class="muted">' + esc(tr("核查中…", "Checking…")) + "</p>";
  try {
    if (!site) throw new Error(tr("请选择文件、粘贴坐标或在地图上绘制场地。", "Choose a file, paste coordinates or draw the site on the map."));
    const fd = new FormData();
    fd.append("file", site.blob, site.name);
    fd.append("project", JSON.stringify(project()));
    if ($("crs").value) fd.append("crs", $("crs").value);
    if ($("dxflayer").value.trim()) fd.append("dxf_layer", $("dxflayer").value.trim());
    fd.append("buffer_m", $("buffer").value || "1000");
    fd.append("include_geometry", "true");
    const res = await fetch("/v1/check", {method: "POST", body: fd, headers: {Accept: "application/json"}});
    const j = await res.json();
    if (!res.ok) throw new Error((j.error && (j.error.message + " [" + j.error.code + "]")) || res.statusText);
    lastReport = j;
    show(j);
    $("out").scrollIntoView({block: "start"});
    drawReport(j);
  } catch (e) {
    $("out").innerHTML = '<p class="err" role="alert">' + esc(e.message) + "</p>";
  } finally {
    $("go").disabled = false;
  }
});

const factLabel = f => {
  const el = document.querySelector('[data-fact="' + f + '"]');
  const lab = el && document.querySelector('label[for="' + el.id + '"] [lang="' + (lang === "en" ? "en" : "zh-CN") + '"]');
  return lab ? lab.textContent : f;
};
const factAsk = f => {
  const el = document.querySelector('[data-fact="' + f + '"]');
  return el ? (lang === "en" ? el.dataset.askEn : el.dataset.askZh) : "";
};

function show(r) {
  const fp = r.footprint;
  let h = '<div class="verdict v-' + esc(r.verdict) + '" data-testid="verdict" data-verdict="' + esc(r.verdict) + '">' + esc(verdictName(r.verdict)) + "</div>";
  if (r.governing_rule) h += '<p class="governing">' + esc(r.governing_rule.text) + ' <span class="muted">' + esc(r.governing_rule.source) + "</span></p>";
  const rid = encodeURIComponent(r.report_id || "");
  if (r.report_id) {
    h += '<p class="links">' + esc(tr("报告编号 ", "Report ")) + "<code>" + esc(r.report_id) + "</code> · " +
      '<a data-testid="report-link" href="/v1/reports/' + rid + '?format=html&amp;lang=' + (lang === "en" ? "en" : "zh") + '" target="_blank" rel="noopener">' + esc(tr("打印版报告", "Printable report")) + "</a> · " +
      '<a data-testid="report-geojson" href="/v1/reports/' + rid + '?format=geojson" download>GeoJSON</a> · ' +
      '<a data-testid="report-json" href="/v1/reports/' + rid + '?format=json" download>JSON</a></p>';
  }
  h += "<p>" + (fp.area_m2 ? esc(tr("用地面积 ", "Area ")) + num(fp.area_m2, 1) + " m²（" + num(fp.area_m2 / 10000, 4) + " " + esc(tr("公顷", "ha")) + "）" : "") +
    (fp.length_m ? esc(tr(" 长度 ", " length ")) + num(fp.length_m, 1) + " m" : "") + "</p>";
  $("crs-detected").textContent = tr("识别的坐标系：", "Detected CRS: ") + (fp.crs || "?") + tr("（如不正确，请在上方选择）", " (choose another above if wrong)");
  if ((fp.warnings || []).length || (r.notes || []).length) {
    h += '<ul class="warnings" data-testid="warnings">';
    for (const w of fp.warnings || []) h += "<li>⚠ " + esc(w) + "</li>";
    for (const n of r.notes || []) h += "<li>" + esc(n) + "</li>";
    h += "</ul>";
  }
  if ((r.missing || []).length) {
    h += '<div class="needs" data-testid="needs-info"><p><b>' + esc(tr("请补充以下信息后重新核查：", "Add these facts and check again:")) + "</b></p><ul>";
    for (const f of r.missing) {
      h += '<li><button type="button" class="linkish" data-goto-fact="' + esc(f) + '">' + esc(factLabel(f)) + "</button> " +
        '<span class="muted">' + esc(factAsk(f)) + "</span></li>";
    }
    h += "</ul></div>";
  }
  h += '<table class="hits" data-testid="intersections"><caption>' + esc(tr("涉及的管控区", "Zones the site touches")) + "</caption><thead><tr><th>" +
    esc(tr("图层", "Layer")) + "</th><th>" + esc(tr("编码与名称", "Zone")) + "</th><th>" + esc(tr("类别", "Class")) + '</th><th class="num">' +
    esc(tr("重叠面积", "Overlap")) + '</th><th class="num">' + esc(tr("占比", "Share")) + "</th><th>" + esc(tr("结论", "Verdict")) + "</th><th>" +
    esc(tr("地块", "Sites")) + "</th></tr></thead><tbody>";
  r.intersections.forEach((i, n) => {
    const overlap = i.overlap_area_m2 ? num(i.overlap_area_m2, 1) + " m²<br><span class=muted>" + num(i.overlap_area_m2 / 10000, 4) + " " + esc(tr("公顷", "ha")) + "</span>" :
      i.overlap_length_m ? num(i.overlap_length_m, 1) + " m" : i.points_inside ? num(i.points_inside, 0) + tr(" 个点", " points") : "—";
    h += '<tr data-testid="intersection-row" data-row="' + n + '" data-zone-id="' + esc(i.zone_id) + '" data-layer="' + esc(i.layer) +
      '" tabindex="0" aria-selected="false"><td>' + esc(i.layer_title || i.layer) + "</td><td><code>" + esc(i.zone_id) + "</code> " + esc(i.zone_name) +
      "</td><td>" + esc(lang === "en" ? i.zone_class : (CLASS_ZH[i.zone_class] || i.zone_class)) + '</td><td class="num">' + overlap + '</td><td class="num">' +
      num(100 * i.footprint_share, 2) + '%</td><td><span class="chip v-' + esc(i.verdict) + '">' + esc(verdictName(i.verdict)) + "</span></td><td>" +
      esc((i.sites || []).join("、")) + "</td></tr>";
  });
  if (!r.intersections.length) h += '<tr><td colspan="7" class="muted">' + esc(tr("未涉及任何管控区", "No zone touched")) + "</td></tr>";
  h += "</tbody></table>";
  if (r.nearby.length) {
    h += '<table class="near"><caption>' + esc(tr("周边 " + num(r.buffer_m, 0) + " 米内", "Within " + num(r.buffer_m, 0) + " m")) + "</caption><tbody>";
    for (const n of r.nearby) h += "<tr><td>" + esc(n.layer_title || n.layer) + "</td><td>" + esc(n.zone_name) + '</td><td class="num">' + num(n.distance_m, 1) + " m</td></tr>";
    h += "</tbody></table>";
  }
  if ((r.near_boundary || []).length) {
    h += '<p class="muted">' + esc(tr("靠近边界（在容差 " + num(r.boundary_tolerance_m, 1) + " 米内）：", "Near a boundary (within " + num(r.boundary_tolerance_m, 1) + " m): ")) +
      r.near_boundary.map(n => esc(n.zone_name + (n.changes_verdict ? tr("（可能改变结论）", " (may change the verdict)") : ""))).join("、") + "</p>";
  }
  $("out").innerHTML = h;
  for (const b of $("out").querySelectorAll("[data-goto-fact]")) {
    b.addEventListener("click", () => {
      const el = document.querySelector('[data-fact="' + b.dataset.gotoFact + '"]');
      if (el) { el.classList.add("wanted"); el.focus(); }
    });
  }
  for (const row of $("out").querySelectorAll("[data-testid=intersection-row]")) {
    const pick = () => selectRow(row, r.intersections[Number(row.dataset.row)]);
    row.addEventListener("click", pick);
    row.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); } });
  }
  for (const f of r.missing || []) {
    const el = document.querySelector('[data-fact="' + f + '"]');
    if (el) el.classList.add("wanted");
  }
}

function selectRow(row, i) {
  for (const o of $("out").querySelectorAll("[data-testid=intersection-row]")) o.setAttribute("aria-selected", String(o === row));
  mapEl.dataset.selectedZone = i.layer + "/" + i.zone_id;
  if (map.getSource("selected")) map.getSource("selected").setData(i.geometry ? {type: "Feature", properties: {}, geometry: i.geometry} : empty());
  const b = i.geometry && bboxOf(i.geometry);
  if (b) map.fitBounds(b, {padding: 40, maxZoom: 16, duration: 300});
  openZone(i.layer, i.zone_id, i);
}

// ---- the report on the map ---------------------------------------------------
const empty = () => ({type: "FeatureCollection", features: []});
function addResultLayers() {
  map.addSource("result", {type: "geojson", data: empty()});
  map.addSource("footprint", {type: "geojson", data: empty()});
  map.addSource("selected", {type: "geojson", data: empty()});
  map.addSource("near", {type: "geojson", data: empty()});
  const color = ["match", ["get", "verdict"], ...Object.entries(VERDICT_COLOR).flat(), "#757575"];
  map.addLayer({id: "result-fill", type: "fill", source: "result", filter: ["==", ["geometry-type"], "Polygon"], paint: {"fill-color": color, "fill-opacity": 0.55}});
  map.addLayer({id: "result-line", type: "line", source: "result", paint: {"line-color": color, "line-width": 2.5}});
  map.addLayer({id: "result-point", type: "circle", source: "result", filter: ["==", ["geometry-type"], "Point"], paint: {"circle-color": color, "circle-radius": 6}});
  map.addLayer({id: "near-line", type: "line", source: "near", paint: {"line-color": "#455a64", "line-width": 1.5, "line-dasharray": [2, 2]}});
  map.addLayer({id: "footprint-line", type: "line", source: "footprint", paint: {"line-color": "#111", "line-width": 2, "line-dasharray": [3, 1]}});
  map.addLayer({id: "footprint-point", type: "circle", source: "footprint", filter: ["==", ["geometry-type"], "Point"],
    paint: {"circle-color": "#fff", "circle-stroke-color": "#111", "circle-stroke-width": 2, "circle-radius": 5}});
  map.addLayer({id: "selected-line", type: "line", source: "selected", paint: {"line-color": "#0057b8", "line-width": 4}});
}

function showFootprint(g) {
  layersReady.then(() => {
    if (!map.getSource("footprint")) return;
    map.getSource("footprint").setData({type: "Feature", properties: {}, geometry: g});
    const b = bboxOf(g);
    if (b) map.fitBounds(b, {padding: 60, maxZoom: 16, duration: 0});
  });
}

async function drawReport(r) {
  await layersReady;
  const feats = r.intersections.filter(i => i.geometry).map(i => ({type: "Feature", properties: {verdict: i.verdict, zone_id: i.zone_id}, geometry: i.geometry}));
  map.getSource("result").setData({type: "FeatureCollection", features: feats});
  map.getSource("selected").setData(empty());
  mapEl.dataset.selectedZone = "";
  // The nearby and near-boundary zones, outlined from their own geometry.
  const want = [...r.nearby, ...(r.near_boundary || [])].slice(0, 40);
  const seen = new Set();
  const near = [];
  await Promise.all(want.map(async n => {
    const k = n.layer + "/" + n.zone_id;
    if (seen.has(k)) return;
    seen.add(k);
    try {
      const res = await fetch("/v1/layers/" + encodeURIComponent(n.layer) + "/zones/" + encodeURIComponent(n.zone_id));
      if (res.ok) near.push(await res.json());
    } catch { /* an outline less */ }
  }));
  map.getSource("near").setData({type: "FeatureCollection", features: near});
  // The footprint: the site as drawn or pasted, else the report's bounding box.
  let g = site && site.geojson;
  if (!g) {
    const res = await fetch("/v1/reports/" + encodeURIComponent(r.report_id) + "?format=geojson").catch(() => null);
    const fc = res && res.ok ? await res.json() : null;
    const f = fc && (fc.features || []).find(x => x.properties && x.properties.role === "footprint");
    if (f) g = f.geometry;
  }
  if (!g && r.footprint.bbox) {
    const [a, b, c, d] = r.footprint.bbox;
    g = {type: "Polygon", coordinates: [[[a, b], [c, b], [c, d], [a, d], [a, b]]]};
  }
  if (g) map.getSource("footprint").setData({type: "Feature", properties: {}, geometry: g});
  const bb = r.footprint.bbox;
  if (bb) map.fitBounds([[bb[0], bb[1]], [bb[2], bb[3]]], {padding: 60, maxZoom: 16, duration: 0});
}

function bboxOf(g) {
  let b = null;
  const walk = c => {
    if (typeof c[0] === "number") {
      if (!b) b = [c[0], c[1], c[0], c[1]];
      b = [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])];
    } else for (const x of c) walk(x);
  };
  const geom = x => {
    if (!x) return;
    if (x.type === "FeatureCollection") x.features.forEach(f => geom(f.geometry));
    else if (x.type === "Feature") geom(x.geometry);
    else if (x.type === "GeometryCollection") x.geometries.forEach(geom);
    else if (x.coordinates) walk(x.coordinates);
  };
  geom(g);
  return b && [[b[0], b[1]], [b[2], b[3]]];
}

// ---- the batch tab -----------------------------------------------------------
// The features are counted here for GeoJSON and NDJSON (the total); other formats
// learn theirs as the server's records arrive. The records stream from
// /v1/locate as NDJSON; the CSV to download is the server's own (format=csv).
$("batch-go").addEventListener("click", async () => {
  const f = $("batch-file").files[0];
  const prog = $("batch-progress");
  const setProgress = (done, total) => {
    prog.dataset.done = String(done);
    prog.dataset.total = String(total);
    $("batch-bar").max = Math.max(total, 1);
    $("batch-bar").value = done;
    $("batch-count").textContent = total ? done + " / " + total : String(done);
  };
  for (const a of [$("batch-csv"), $("batch-geojson")]) {
    if (a.href) URL.revokeObjectURL(a.href);
    a.hidden = true;
    a.removeAttribute("href");
  }
  if (!f) { $("batch-out").innerHTML = '<p class="err" role="alert">' + esc(tr("请选择图斑文件。", "Choose a patch file.")) + "</p>"; return; }
  $("batch-go").disabled = true;
  $("batch-out").innerHTML = "";
  try {
    let total = await countFeatures(f);
    setProgress(0, total);
    const fd = () => { const d = new FormData(); d.append("file", f, f.name); return d; };
    const res = await fetch("/v1/locate?format=ndjson", {method: "POST", body: fd()});
    if (!res.ok) {
      const j = await res.json().catch(() => ({}));
      throw new Error((j.error && j.error.message) || res.statusText);
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const seen = new Set();
    const records = [];
    let buf = "";
    for (;;) {
      const {value, done} = await reader.read();
      if (value) buf += value;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const rec = JSON.parse(line);
        records.push(rec);
        if (typeof rec.index === "number") seen.add(rec.index);
        // An uncounted format keeps its total at 0 (unknown) until the end, so
        // done never equals total before the last record.
        setProgress(seen.size, total ? Math.max(total, seen.size) : 0);
      }
      if (done) break;
    }
    if (!total || seen.size > total) total = seen.size;
    setProgress(seen.size, total);
    const errors = records.filter(r => r.error);
    const inZones = records.filter(r => (r.hits || []).length).length;
    $("batch-out").innerHTML = "<p>" + esc(tr(`共 ${seen.size} 个图斑，${inZones} 个落在管控区内，${errors.length} 个有错误。`,
      `${seen.size} patches: ${inZones} in a zone, ${errors.length} with errors.`)) + "</p>" +
      (errors.length ? '<ul class="warnings">' + errors.slice(0, 20).map(r => "<li>#" + esc(r.index) + " " + esc(r.error.message) + "</li>").join("") + "</ul>" : "");
    const [csv, gj] = await Promise.all(["csv", "geojson"].map(async fmt => {
      const r = await fetch("/v1/locate?format=" + fmt, {method: "POST", body: fd()});
      if (!r.ok) throw new Error(tr("下载 ", "download ") + fmt + ": " + r.statusText);
      return r.blob();
    }));
    $("batch-csv").href = URL.createObjectURL(csv);
    $("batch-geojson").href = URL.createObjectURL(gj);
    $("batch-csv").hidden = false;
    $("batch-geojson").hidden = false;
  } catch (e) {
    $("batch-out").innerHTML = '<p class="err" role="alert">' + esc(e.message) + "</p>";
  } finally {
    $("batch-go").disabled = false;
  }
});

// countFeatures counts a GeoJSON FeatureCollection's features or an NDJSON file's
// lines; 0 when the format is another (the server's records tell then).
async function countFeatures(f) {
  if (f.size > 256 << 20) return 0;
  const name = f.name.toLowerCase();
  if (!/\.(geojson|json|ndjson|geojsonl|jsonl)$/.test(name)) return 0;
  const text = await f.text();
  if (/\.(ndjson|geojsonl|jsonl)$/.test(name)) return text.split("\n").filter(s => s.trim()).length;
  try {
    const j = JSON.parse(text);
    return j.type === "FeatureCollection" ? j.features.length : 1;
  } catch { return 0; }
}

setLang(lang);

"use strict";
const $ = id => document.getElementById(id);
const VERDICT = {prohibited: "禁止 prohibited", needs_info: "需补充信息 needs info", conditional: "有条件准入 conditional", admissible: "可准入 admissible"};
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const num = (x, d) => (x ?? 0).toLocaleString("zh-CN", {maximumFractionDigits: d});

fetch("v1/layers").then(r => r.json()).then(j => {
  if (j.dataset) $("ds").textContent = j.dataset.name + " " + j.dataset.version + " · " + j.layers.map(l => l.title || l.id).join("、");
}).catch(() => {});

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
    default: p[el.dataset.fact] = v;
    }
  }
  return p;
}

$("f").addEventListener("submit", async ev => {
  ev.preventDefault();
  $("go").disabled = true;
  $("out").innerHTML = '<p class="muted">核查中… checking…</p>';
  try {
    const fd = new FormData();
    const file = $("file").files[0];
    if (file) fd.append("file", file);
    else if ($("geojson").value.trim()) fd.append("file", new Blob([$("geojson").value], {type: "application/geo+json"}), "footprint.geojson");
    else throw new Error("请选择文件或粘贴 GeoJSON。Choose a file or paste GeoJSON.");
    fd.append("project", JSON.stringify(project()));
    if ($("crs").value) fd.append("crs", $("crs").value);
    if ($("dxflayer").value.trim()) fd.append("dxf_layer", $("dxflayer").value.trim());
    fd.append("buffer_m", $("buffer").value || "1000");
    fd.append("include_geometry", "true");
    const res = await fetch("v1/check", {method: "POST", body: fd, headers: {Accept: "application/json"}});
    const j = await res.json();
    if (!res.ok) throw new Error((j.error && (j.error.message + " [" + j.error.code + "]")) || res.statusText);
    show(j);
  } catch (e) {
    $("out").innerHTML = '<p class="err">' + esc(e.message) + "</p>";
  } finally {
    $("go").disabled = false;
  }
});

function show(r) {
  let h = '<div class="verdict ' + esc(r.verdict) + '">' + esc(VERDICT[r.verdict] || r.verdict) + "</div>";
  h += '<p class="muted">报告编号 report ' + esc(r.report_id) + " · " + esc(r.dataset.name) + " " + esc(r.dataset.version) +
       ' · <a href="v1/reports/' + encodeURIComponent(r.report_id) + '?format=html" target="_blank">打印版报告 printable report</a></p>';
  const fp = r.footprint;
  h += "<p>用地面积 area " + num(fp.area_m2, 1) + " m²（" + num(fp.area_m2 / 10000, 4) + " 公顷 ha）" +
       (fp.length_m ? "，长度 length " + num(fp.length_m, 1) + " m" : "") + "，坐标系 CRS " + esc(fp.crs) + "</p>";
  for (const w of fp.warnings || []) h += '<p class="err">⚠ ' + esc(w) + "</p>";
  if (r.governing_rule) h += "<p><b>依据 governing rule:</b> " + esc(r.governing_rule.text) + " <span class=muted>" + esc(r.governing_rule.source) + "</span></p>";
  h += "<table><tr><th>图层 layer</th><th>管控单元 zone</th><th>类别 class</th><th class=num>重叠面积 m²</th><th class=num>占比</th><th>结论 verdict</th></tr>";
  for (const i of r.intersections) {
    h += "<tr><td>" + esc(i.layer_title || i.layer) + "</td><td>" + esc(i.zone_name) + " <span class=muted>" + esc(i.zone_id) + "</span></td><td>" +
         esc(i.zone_class) + '</td><td class="num">' + num(i.overlap_area_m2 || i.overlap_length_m, 1) + '</td><td class="num">' +
         num(100 * i.footprint_share, 2) + "%</td><td>" + esc(VERDICT[i.verdict] || i.verdict) + "</td></tr>";
    for (const rule of i.rules || []) h += '<tr><td></td><td colspan=5 class="muted">' + esc(rule.text) + " — " + esc(rule.source) + "</td></tr>";
  }
  if (!r.intersections.length) h += '<tr><td colspan=6 class="muted">未涉及任何管控区 no zone touched</td></tr>';
  h += "</table>";
  if (r.nearby.length) {
    h += "<p><b>周边 " + num(r.buffer_m, 0) + " 米内 nearby</b></p><table><tr><th>图层</th><th>区域</th><th>类别</th><th class=num>距离 m</th></tr>";
    for (const n of r.nearby) h += "<tr><td>" + esc(n.layer) + "</td><td>" + esc(n.zone_name) + "</td><td>" + esc(n.zone_class) + '</td><td class="num">' + num(n.distance_m, 1) + "</td></tr>";
    h += "</table>";
  }
  $("out").innerHTML = h;
  draw(r);
}

// A plain SVG sketch: the bbox of the footprint, overlaps in red.
function draw(r) {
  const svg = $("map");
  const b = r.footprint.bbox; // [minLon, minLat, maxLon, maxLat]
  if (!b) { svg.innerHTML = ""; return; }
  const k = Math.cos((b[1] + b[3]) / 2 * Math.PI / 180);
  const w = Math.max((b[2] - b[0]) * k, 1e-9), hgt = Math.max(b[3] - b[1], 1e-9), m = Math.max(w, hgt) * 0.1;
  const pt = c => ((c[0] - b[0]) * k + m).toFixed(9) + "," + (b[3] - c[1] + m).toFixed(9);
  svg.setAttribute("viewBox", "0 0 " + (w + 2 * m) + " " + (hgt + 2 * m));
  const sw = Math.max(w, hgt) / 300;
  const paths = [];
  const rings = g => !g ? [] : g.type === "Polygon" ? g.coordinates : g.type === "MultiPolygon" ? g.coordinates.flat() :
    g.type === "LineString" ? [g.coordinates] : g.type === "MultiLineString" ? g.coordinates :
    g.type === "GeometryCollection" ? g.geometries.flatMap(rings) : [];
  // Overlaps coloured by verdict, the most severe drawn last (on top).
  const COLOR = {prohibited: "198,40,40", needs_info: "249,168,37", conditional: "253,216,53", admissible: "67,160,71"};
  const SEV = {admissible: 1, conditional: 2, needs_info: 3, prohibited: 4};
  const ins = [...r.intersections].sort((a, b) => (SEV[a.verdict] || 0) - (SEV[b.verdict] || 0));
  for (const i of ins) for (const ring of rings(i.geometry)) {
    const c = COLOR[i.verdict] || "120,120,120";
    paths.push('<polyline fill="rgba(' + c + ',.35)" stroke="rgb(' + c + ')" stroke-width="' + sw + '" points="' + ring.map(pt).join(" ") + '"><title>' +
      esc(i.layer_title || i.layer) + " " + esc(i.zone_name) + '</title></polyline>');
  }
  paths.unshift('<rect x="' + m + '" y="' + m + '" width="' + w + '" height="' + hgt + '" fill="none" stroke="#555" stroke-dasharray="' + 4 * sw + '" stroke-width="' + sw + '"/>');
  svg.innerHTML = paths.join("");
}

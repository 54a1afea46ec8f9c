// The status view's chart: one backend's probe latency (line) over 1 h, 24 h or 7 d, a time
// axis and a latency axis with labels, the level strip under it (grey when down), and the
// values of the point under the pointer. Points come from the engine (a day and a week from
// its history on disk, so they survive a restart). Uses main.js's fmt, t, el, lang.
"use strict";

const RANGES = { "1h": 3600, "24h": 86400, "7d": 7 * 86400 };
let range = localStorage.getItem("range") ?? "1h";
const SVG = "http://www.w3.org/2000/svg";
// The plot's box inside the chart's viewBox (0 0 W H).
const W = 300, H = 130, LEFT = 44, RIGHT = 4, TOP = 6, PLOT_H = 84, STRIP_Y = 94, STRIP_H = 8;

function svgEl(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// A round top for the latency axis: 1, 2 or 5 times a power of ten, at or above `max`.
function niceMax(max) {
  const p = 10 ** Math.floor(Math.log10(Math.max(max, 0.1)));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max) ?? 10 * p;
}

// Tick times: every 15 min (1 h), 4 h (24 h) or day (7 d), on the local clock.
function ticks(from, to) {
  const step = range === "1h" ? 15 * 60e3 : range === "24h" ? 4 * 3600e3 : 86400e3;
  const out = [];
  const start = new Date(from);
  if (range === "7d") start.setHours(0, 0, 0, 0); else start.setMinutes(Math.ceil(start.getMinutes() / 15) * 15, 0, 0);
  if (range === "24h") start.setHours(Math.ceil(start.getHours() / 4) * 4, 0, 0, 0);
  for (let t = start.getTime(); t <= to; t += step) if (t >= from) out.push(t);
  return out;
}

function tickLabel(ms) {
  const d = new Date(ms);
  const locale = lang === "ko" ? "ko-KR" : "en-GB";
  return range === "7d" ? d.toLocaleDateString(locale, { weekday: "short", day: "numeric" })
                        : d.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
}

function pointText(p) {
  const when = new Date(Date.parse(p.at)).toLocaleString(lang === "ko" ? "ko-KR" : "en-GB");
  return `${when} · ${t("probe")} ${fmt(p.probe_ms)} · ${t("wait")} ${fmt(p.wait_ms)} · ${LEVELS[lang][p.state === "down" ? "down" : p.level] ?? p.level}`;
}

// Where the pointer rests on a chart ({ key, vx }): the status view redraws every card on each
// update, and the values under the pointer stay shown across the redraw.
let hovered = null;

function historyChart(points, key) {
  const span = RANGES[range] * 1000;
  const now = Date.now(), from = now - span;
  const plotW = W - LEFT - RIGHT;
  const x = (at) => LEFT + plotW * Math.max(0, Math.min(1, (Date.parse(at) - from) / span));
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", class: "chart" });
  svg.dataset.range = range;
  svg.dataset.points = String(points.length);
  const probes = points.filter((p) => p.probe_ms !== null && p.state !== "down");
  const top = niceMax(Math.max(...probes.map((p) => p.probe_ms), 1));
  const y = (ms) => TOP + PLOT_H * (1 - ms / top);
  // Latency axis: 0, half and the top, with grid lines.
  const axisY = svgEl("g", { class: "axis y" });
  for (const v of [0, top / 2, top]) {
    axisY.append(svgEl("line", { x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v), class: "grid" }),
                 svgEl("text", { x: LEFT - 4, y: y(v) + 3, "text-anchor": "end" }, fmt(v)));
  }
  // Time axis under the level strip.
  const axisX = svgEl("g", { class: "axis x" });
  let lastLabel = -Infinity;
  for (const tk of ticks(from, now)) {
    const tx = LEFT + plotW * (tk - from) / span;
    axisX.appendChild(svgEl("line", { x1: tx, x2: tx, y1: TOP, y2: STRIP_Y + STRIP_H, class: "grid" }));
    if (tx - lastLabel < 34 || tx > W - 14) continue; // labels never overlap
    lastLabel = tx;
    axisX.appendChild(svgEl("text", { x: tx, y: H - 8, "text-anchor": tx < LEFT + 16 ? "start" : "middle" }, tickLabel(tk)));
  }
  svg.append(axisY, axisX);
  // The level strip: each point's width is the gap to the one before it.
  points.forEach((p, i) => {
    const x1 = i > 0 ? x(points[i - 1].at) : x(p.at) - 1.2;
    svg.appendChild(svgEl("rect", { x: Math.min(x1, x(p.at) - 0.6).toFixed(1), y: STRIP_Y, width: Math.max(0.6, x(p.at) - x1).toFixed(1),
                                     height: STRIP_H, class: `lvl-${p.state === "down" ? "down" : p.level}` }));
  });
  if (probes.length > 1) {
    svg.appendChild(svgEl("polyline", { points: probes.map((p) => `${x(p.at).toFixed(1)},${y(p.probe_ms).toFixed(1)}`).join(" ") }));
  }
  svg.setAttribute("aria-label", `${t("history")} (${range})`);
  // Hover: the values of the nearest point, and a marker.
  const marker = svgEl("line", { y1: TOP, y2: STRIP_Y + STRIP_H, class: "marker", visibility: "hidden" });
  svg.appendChild(marker);
  const tip = el("div", "chart-tip");
  tip.hidden = true;
  const show = (vx) => {
    if (!points.length) return;
    let best = points[0];
    for (const p of points) if (Math.abs(x(p.at) - vx) < Math.abs(x(best.at) - vx)) best = p;
    marker.setAttribute("x1", x(best.at)); marker.setAttribute("x2", x(best.at));
    marker.setAttribute("visibility", "visible");
    tip.textContent = pointText(best);
    tip.hidden = false;
  };
  svg.addEventListener("mousemove", (e) => {
    const box = svg.getBoundingClientRect();
    hovered = { key, vx: (e.clientX - box.left) * W / box.width };
    show(hovered.vx);
  });
  svg.addEventListener("mouseleave", () => { hovered = null; marker.setAttribute("visibility", "hidden"); tip.hidden = true; });
  if (hovered && hovered.key === key) show(hovered.vx);
  const wrap = el("div", "chart-wrap");
  wrap.append(svg, tip);
  return wrap;
}

function rangeButtons(onChange) {
  const group = el("div", "ranges");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", t("range"));
  for (const r of Object.keys(RANGES)) {
    const b = el("button", "", r.replace("h", " h").replace("d", " d"));
    b.type = "button";
    b.dataset.range = r;
    b.setAttribute("aria-pressed", String(r === range));
    b.addEventListener("click", () => {
      range = r;
      localStorage.setItem("range", r);
      for (const o of group.children) o.setAttribute("aria-pressed", String(o.dataset.range === r));
      onChange();
    });
    group.appendChild(b);
  }
  return group;
}

// The span asked of the engine: none for the last hour (its points in memory, as before).
function rangeSpan() {
  return range === "1h" ? null : RANGES[range];
}

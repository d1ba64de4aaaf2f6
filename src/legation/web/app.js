// legation dashboard: one page per view, each reading only the REST API of the same server.
// A view is a function (params) -> Promise that fills #page; add a route to VIEWS to add a page. A page
// in its own file (static/pages/NAME.js, loaded after this one in index.html) sets VIEWS.NAME itself.
"use strict";

const PLOT_CONFIG = { responsive: true, displaylogo: false, topojsonURL: "/vendor/topojson/" };
const PALETTE = ["#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#17a2b8", "#6d4c41", "#e84393",
  "#7f8c8d", "#27ae60", "#34495e", "#f39c12", "#5d6d7e", "#a04000"];
const state = { states: null, names: new Map(), instruments: [], majors: [], sources: null, world: null };

// one fixed colour per instrument (the vocabulary comes from /api/instruments), others after them
function colorOf(instrument) {
  const i = state.instruments.indexOf(instrument);
  return PALETTE[(i < 0 ? state.instruments.length : i) % PALETTE.length];
}

// ---------------------------------------------------------------------------------------------
// helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

async function api(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") url.searchParams.set(k, v);
  const res = await fetch(url);
  const type = res.headers.get("content-type") || "";
  const body = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok) {
    const err = new Error(body && body.detail ? body.detail : `${res.status} ${res.statusText}`);
    err.status = res.status;
    throw err;
  }
  return body;
}

function showProblem(message) {
  const box = document.getElementById("problem");
  box.textContent = message;
  box.hidden = !message;
}

function nameOf(ccode) {
  return state.names.get(ccode) || `COW ${ccode}`;
}

function fmt(x, digits = 3) {
  if (x === null || x === undefined) return "—";
  if (typeof x === "number") return Number.isInteger(x) ? x.toLocaleString("en") : x.toFixed(digits);
  return String(x);
}

function card(title, ...children) {
  return el("section", { class: "card" }, el("h2", {}, title), ...children);
}

function chartBox(id, sourceLine, tall = false) {
  return [el("div", { id, class: tall ? "chart tall" : "chart", role: "img" }), el("p", { class: "source" }, sourceLine)];
}

function layout(title, xTitle, yTitle, extra = {}) {
  return Object.assign({
    title: { text: title, font: { size: 15 } },
    margin: { t: 48, r: 16, b: 56, l: 64 },
    xaxis: { title: { text: xTitle }, automargin: true },
    yaxis: { title: { text: yTitle }, automargin: true },
    legend: { orientation: "h", y: -0.22 },
    paper_bgcolor: "#fff",
    plot_bgcolor: "#fff",
  }, extra);
}

function plot(id, traces, lay) {
  return Plotly.react(id, traces, lay, PLOT_CONFIG);
}

function empty(id, title, message) {
  const box = document.getElementById(id);
  Plotly.purge(box);
  box.classList.add("empty");
  box.replaceChildren(el("p", { class: "empty-title" }, title), el("p", { class: "note" }, message));
}

function table(columns, rows, caption) {
  const head = el("tr", {}, columns.map((c) => el("th", { class: c.num ? "num" : null }, c.label)));
  const body = rows.map((r) => el("tr", {}, columns.map((c) => {
    const v = c.get ? c.get(r) : r[c.key];
    return el("td", { class: c.num ? "num" : null }, v instanceof Node ? v : fmt(v, c.digits ?? 3));
  })));
  return el("div", { class: "scroll" }, el("table", {},
    caption ? el("caption", { class: "muted" }, caption) : null, el("thead", {}, head), el("tbody", {}, body)));
}

function select(label, id, options, value, onchange) {
  const s = el("select", { id, name: id, onchange });
  for (const o of options) {
    const opt = el("option", { value: o.value }, o.label);
    if (String(o.value) === String(value)) opt.selected = true;
    s.append(opt);
  }
  return el("label", { for: id }, label, s);
}

function stateOptions(onlyWith) {
  const rows = state.states.filter((s) => !onlyWith || onlyWith.has(s.ccode));
  return rows.map((s) => ({ value: s.ccode, label: `${s.name} (${s.ccode})` }));
}

// rows split by the value of `key`, in order of first appearance: [[value, its rows], ...]
function groupBy(rows, key) {
  const out = new Map();
  for (const r of rows) {
    if (!out.has(r[key])) out.set(r[key], []);
    out.get(r[key]).push(r);
  }
  return [...out];
}

function years(lo, hi) {
  const out = [];
  for (let y = hi; y >= lo; y--) out.push({ value: y, label: String(y) });
  return out;
}

function basisLine(meta) {
  return meta.basis === "research"
    ? "Source: legation influence index (bandwidth × dependence) on ATOP 5.1, SIPRI, MME/JME, US troops and visits, McManus–Nieman; default weights; the years all five channels cover."
    : "Source: legation influence index on this ledger's own engagements (one channel per instrument, equal weights); on the curated sample this illustrates the method.";
}

// ---------------------------------------------------------------------------------------------
// pages

async function overview(params) {
  const out = await api("/api/influence/outward", { top: 8 });
  const meta = out.meta;
  const rows = out.items;
  const allYears = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  const lo = allYears[0], hi = allYears[allYears.length - 1];
  const year = Number(params.year) || hi;
  const engagements = await api("/api/engagements", { limit: 1 });
  const page = document.getElementById("page");
  page.replaceChildren(
    el("h1", {}, "Who projects military-diplomatic influence"),
    el("p", { class: "lede" }, "Outward influence is the sum of a patron's influence on every target: how much of the world's military-diplomatic bandwidth runs through it, weighted by how much its partners depend on it."),
    el("div", { class: "kpis" },
      el("div", { class: "kpi" }, el("b", { id: "kpi-engagements" }, fmt(engagements.total)), "engagements in the ledger"),
      el("div", { class: "kpi" }, el("b", {}, `${lo ?? "—"}–${hi ?? "—"}`), "years measured"),
      el("div", { class: "kpi" }, el("b", {}, meta.channels.length), "channels"),
      el("div", { class: "kpi" }, el("b", {}, meta.basis), "basis")),
    el("div", { class: "controls" },
      select("Year (map and channels)", "overview-year", years(lo, hi), year, (e) => navigate(`#/overview?year=${e.target.value}`))),
    el("div", { class: "grid" },
      card("Outward influence over time", ...chartBox("chart-outward", basisLine(meta))),
      card(`World map, ${year}`, ...chartBox("chart-map", basisLine(meta))),
      card(`Channels of the leading patrons, ${year}`, ...chartBox("chart-channels", basisLine(meta)))),
  );
  plot("chart-outward", groupBy(rows, "patron").map(([, mine], i) => ({
    type: "scatter", mode: "lines+markers", name: mine[0].patron_name, x: mine.map((r) => r.year),
    y: mine.map((r) => r.outward), line: { color: PALETTE[i % PALETTE.length] },
  })), layout("Outward influence of the leading patrons", "Year", "Outward influence (sum of index, 0–1 per target)"));

  const thisYear = await api("/api/influence/outward", { year, limit: 1000 });
  const world = await worldGeometry();
  const z = thisYear.items.filter((r) => r.outward > 0);
  plot("chart-map", [
    { type: "choropleth", geojson: world, locations: world.features.map((f) => f.id), z: world.features.map(() => 0),
      featureidkey: "id", showscale: false, colorscale: [[0, "#eceff3"], [1, "#eceff3"]], hoverinfo: "skip",
      marker: { line: { color: "#ffffff", width: 0.4 } } },
    { type: "choropleth", geojson: world, featureidkey: "id", locations: z.map((r) => r.patron), z: z.map((r) => r.outward),
      text: z.map((r) => r.patron_name), colorscale: [[0, "#c6dbef"], [1, "#08306b"]], colorbar: { title: { text: "Outward<br>influence" } },
      hovertemplate: "%{text}: %{z:.3f}<extra></extra>", marker: { line: { color: "#ffffff", width: 0.4 } } },
  ], layout(`Outward influence by state, ${year}`, "", "", {
    geo: { projection: { type: "natural earth" }, showland: false, showcountries: false, showcoastlines: false,
      showocean: false, showlakes: false, showrivers: false, showframe: false, fitbounds: false, bgcolor: "#fff" },
    margin: { t: 48, r: 8, b: 8, l: 8 },
  }));

  const leaders = thisYear.items.slice(0, 10);
  const channels = meta.channels;
  plot("chart-channels", channels.map((c, i) => ({
    type: "bar", name: c, orientation: "h", y: leaders.map((r) => r.patron_name), x: leaders.map((r) => r[`score_${c}`] || 0),
    marker: { color: meta.basis === "ledger" ? colorOf(c) : PALETTE[i % PALETTE.length] },
  })), layout(`Channel scores summed over targets, ${year}`, "Sum of channel scores (0–1 per target)", "", {
    barmode: "stack", yaxis: { autorange: "reversed", automargin: true }, margin: { t: 48, r: 16, b: 56, l: 150 },
  }));
}

async function worldGeometry() {
  if (!state.world) state.world = await api("/api/geo/world");
  return state.world;
}

async function country(params) {
  const code = Number(params.id) || 750;
  const p = await api(`/api/states/${code}/profile`);
  const page = document.getElementById("page");
  // one source per fact (docs/data.md): say which sources each instrument's counts come from
  const counted = `Source: the ledger's engagements, one source per fact — ${p.counted_sources.map((c) => `${c.instrument}: ${c.sources.join(", ")}`).join("; ") || "none"}`;
  page.replaceChildren(
    el("h1", {}, `Country profile: ${p.name}`),
    el("p", { class: "lede" }, "Engagements the state initiated (outgoing) and received (incoming), by instrument and year; its main partners; where its arms come from; and how it votes with the major powers."),
    el("div", { class: "controls" },
      select("State", "country-state", stateOptions(), code, (e) => navigate(`#/country/${e.target.value}`))),
    el("div", { class: "grid" },
      card("Incoming engagements", ...chartBox("chart-in", counted)),
      card("Outgoing engagements", ...chartBox("chart-out", counted)),
      card("Top patrons and clients", el("div", { id: "partners" })),
      card("Arms dependency", ...chartBox("chart-arms", p.arms.length && "hhi" in p.arms[0] && p.arms[0].arms_import_stock !== undefined
        ? "Source: SIPRI arms transfers (TIV, decayed stock, half-life 8 years)"
        : "Source: the ledger's arms-transfer engagements (share of engagements by supplier)")),
      card("UN voting alignment with the major powers", ...chartBox("chart-align", "Source: Voeten UNGA votes; three-category agreement"))),
  );
  for (const [id, key, title] of [["chart-in", "incoming", "received"], ["chart-out", "outgoing", "initiated"]]) {
    const rows = p.by_year.filter((r) => r[key] > 0);
    if (!rows.length) {
      empty(id, `Engagements ${title} by ${p.name}`, "No engagements recorded.");
      continue;
    }
    const byInstrument = groupBy(rows, "instrument").sort(([x], [y]) => x.localeCompare(y));
    plot(id, byInstrument.map(([inst, mine]) => ({
      type: "bar", name: inst, x: mine.map((r) => r.year), y: mine.map((r) => r[key]), marker: { color: colorOf(inst) },
    })), layout(`Engagements ${title} by ${p.name}, by instrument`, "Year", "Engagements (count)", { barmode: "stack" }));
  }
  document.getElementById("partners").append(
    table([{ label: "Patron (sends to " + p.name + ")", get: (r) => link(`#/dyad/${r.ccode}/${code}`, r.name) },
      { label: "engagements", key: "incoming", num: true }], p.patrons, null),
    table([{ label: "Client (receives from " + p.name + ")", get: (r) => link(`#/dyad/${code}/${r.ccode}`, r.name) },
      { label: "engagements", key: "outgoing", num: true }], p.clients, null));
  if (p.arms.length) {
    plot("chart-arms", [
      { type: "scatter", mode: "lines+markers", name: "Herfindahl index of suppliers", x: p.arms.map((r) => r.year), y: p.arms.map((r) => r.hhi) },
      { type: "scatter", mode: "lines+markers", name: "Top supplier's share", x: p.arms.map((r) => r.year), y: p.arms.map((r) => r.top_share),
        text: p.arms.map((r) => r.top_supplier_name), hovertemplate: "%{text}: %{y:.2f}<extra></extra>" },
    ], layout(`Arms-import concentration of ${p.name}`, "Year", "Share / index (0–1)", { yaxis: { range: [0, 1.05], title: { text: "Share / index (0–1)" } } }));
  } else {
    empty("chart-arms", `Arms-import concentration of ${p.name}`, "No arms imports recorded.");
  }
  const align = p.alignment;
  if (align.length) {
    plot("chart-align", groupBy(align, "major").map(([, mine], i) => ({
      type: "scatter", mode: "lines", name: mine[0].major_name, x: mine.map((r) => r.year), y: mine.map((r) => r.agree3), line: { color: PALETTE[i] },
    })), layout(`UN General Assembly agreement of ${p.name}`, "Year", "Agreement (share of joint roll calls, 0–1)"));
  } else {
    empty("chart-align", `UN General Assembly agreement of ${p.name}`, "No UN roll calls in this ledger: import unvotes-voeten (legation data import-dir).");
  }
}

function link(href, text) {
  return el("a", { href }, text);
}

async function dyad(params) {
  const a = Number(params.a) || 2, b = Number(params.b) || 750;
  const d = await api(`/api/dyads/${a}/${b}`, { limit: 1000 });
  const rows = d.items;
  const page = document.getElementById("page");
  page.replaceChildren(
    el("h1", {}, `Dyad explorer: ${d.meta.a.name} and ${d.meta.b.name}`),
    el("p", { class: "lede" }, "Every engagement between the two states, either way, with its source; and how closely they vote at the UN General Assembly."),
    el("div", { class: "controls" },
      select("State A", "dyad-a", stateOptions(), a, (e) => navigate(`#/dyad/${e.target.value}/${b}`)),
      select("State B", "dyad-b", stateOptions(), b, (e) => navigate(`#/dyad/${a}/${e.target.value}`))),
    el("div", { class: "grid" },
      card("Timeline of engagements", ...chartBox("chart-timeline", `Source: ${[...new Set(rows.map((r) => r.source_name))].join("; ") || "the ledger"}`)),
      card("UN voting alignment", ...chartBox("chart-dyad-align", "Source: Voeten UNGA votes; agreement, Signorino–Ritter S and Cohen's κ"))),
    card(`${d.total} engagements`, el("div", { id: "dyad-table" })),
  );
  const dirs = [[a, b], [b, a]];
  if (!rows.length) empty("chart-timeline", `Engagements between ${d.meta.a.name} and ${d.meta.b.name}`, "No engagements recorded between these two states.");
  else plot("chart-timeline", dirs.map(([x, y], i) => {
    const mine = rows.filter((r) => r.actor_ccode === x);
    return { type: "scatter", mode: "markers", name: `${nameOf(x)} → ${nameOf(y)}`, x: mine.map((r) => r.start_date),
      y: mine.map((r) => r.instrument), text: mine.map((r) => r.note || r.id),
      marker: { size: 11, color: PALETTE[i], symbol: mine.map((r) => (r.polarity < 0 ? "x" : "circle")) },
      hovertemplate: "%{x}: %{y}<br>%{text}<extra></extra>" };
  }), layout(`Engagements between ${d.meta.a.name} and ${d.meta.b.name}`, "Start date", "Instrument", { margin: { t: 48, r: 16, b: 56, l: 110 } }));
  const al = d.meta.alignment;
  if (al.length) {
    plot("chart-dyad-align", [["agree3", "Agreement (3 categories)"], ["s_abs", "Signorino–Ritter S"], ["cohen_kappa", "Cohen's κ"]].map(([k, label], i) => ({
      type: "scatter", mode: "lines", name: label, x: al.map((r) => r.year), y: al.map((r) => r[k]), line: { color: PALETTE[i] },
    })), layout(`UN voting alignment, ${d.meta.a.name}–${d.meta.b.name}`, "Year", "Alignment (−1 to 1; agreement 0–1)"));
  } else {
    empty("chart-dyad-align", `UN voting alignment, ${d.meta.a.name}–${d.meta.b.name}`, "No UN roll calls in this ledger: import unvotes-voeten (legation data import-dir).");
  }
  document.getElementById("dyad-table").append(table([
    { label: "start", key: "start_date" },
    { label: "instrument", key: "instrument" },
    { label: "from → to", get: (r) => `${r.actor} → ${r.partner}` },
    { label: "magnitude", get: (r) => (r.magnitude === null ? "—" : `${fmt(r.magnitude)} ${r.unit}`) },
    { label: "", get: (r) => (r.polarity < 0 ? el("span", { class: "neg" }, "suspension") : "") },
    { label: "source", get: (r) => (r.source_ref && /^https?:/.test(r.source_ref) ? link(r.source_ref, r.source_name) : `${r.source_name}${r.source_ref ? " · " + r.source_ref : ""}`) },
    { label: "note", key: "note" },
  ], rows));
}

async function network(params) {
  const { channels } = await api("/api/network/channels");
  const channel = params.channel || (channels.includes("alliance") && channels[0] === "alliance" ? "alliance" : channels.includes("exercise") ? "exercise" : channels[0]);
  const year = Number(params.year) || 2018;
  const n = await api("/api/network", { channel, year });
  const page = document.getElementById("page");
  page.replaceChildren(
    el("h1", {}, `Network: ${channel}, ${year}`),
    el("p", { class: "lede" }, "States tied by the chosen channel in one year; colours are blocs (Leiden communities), node size is strength (weighted degree)."),
    el("div", { class: "controls" },
      select("Channel", "network-channel", channels.map((c) => ({ value: c, label: c })), channel, (e) => navigate(`#/network?channel=${e.target.value}&year=${year}`)),
      select("Year", "network-year", years(1946, 2024), year, (e) => navigate(`#/network?channel=${channel}&year=${e.target.value}`))),
    el("div", { class: "grid" },
      card("Network", ...chartBox("chart-network", `Source: ${n.origin}; ${n.directed ? "directed" : "undirected"} ties; layout Fruchterman–Reingold`, true)),
      card("Most central states", el("div", { id: "network-table" }))),
  );
  const nodes = n.nodes;
  const byCode = new Map(nodes.map((v) => [v.ccode, v]));
  const ex = [], ey = [];
  for (const e of n.edges) {
    const s = byCode.get(e.ccode1), t = byCode.get(e.ccode2);
    if (!s || !t) continue;
    ex.push(s.x, t.x, null); ey.push(s.y, t.y, null);
  }
  const maxStrength = Math.max(1e-9, ...nodes.map((v) => v.strength || v.strength_out || 0));
  const blocs = [...new Set(nodes.map((v) => v.bloc))].sort((p, q) => p - q);
  const traces = [{ type: "scatter", mode: "lines", x: ex, y: ey, line: { color: "#c5ccd6", width: 0.6 }, hoverinfo: "skip", name: "ties", showlegend: false }];
  blocs.forEach((bl, i) => {
    const mine = nodes.filter((v) => v.bloc === bl);
    traces.push({ type: "scatter", mode: "markers+text", name: `bloc ${bl} (${mine.length})`, x: mine.map((v) => v.x), y: mine.map((v) => v.y),
      text: mine.map((v) => v.abb || v.ccode), textposition: "top center", textfont: { size: 9 },
      customdata: mine.map((v) => v.name), hovertemplate: "%{customdata}<extra>bloc " + bl + "</extra>",
      marker: { color: PALETTE[i % PALETTE.length], size: mine.map((v) => 7 + 18 * Math.sqrt((v.strength || v.strength_out || 0) / maxStrength)), line: { color: "#fff", width: 1 } } });
  });
  if (!nodes.length) empty("chart-network", `${channel} network, ${year}`, `No ${channel} ties recorded in ${year}.`);
  else plot("chart-network", traces, layout(`${channel} network, ${year}: ${nodes.length} states, ${n.edges.length} ties`, "Layout x (no units)", "Layout y (no units)", {
    xaxis: { showticklabels: false, zeroline: false, showgrid: false, title: { text: "Layout x (no units)" } },
    yaxis: { showticklabels: false, zeroline: false, showgrid: false, title: { text: "Layout y (no units)" } },
  }));
  const top = [...nodes].sort((p, q) => (q.eigenvector ?? 0) - (p.eigenvector ?? 0)).slice(0, 25);
  document.getElementById("network-table").append(table([
    { label: "state", get: (v) => link(`#/country/${v.ccode}`, v.name || v.ccode) },
    { label: "bloc", key: "bloc", num: true },
    { label: "degree", get: (v) => v.degree ?? v.degree_out, num: true },
    { label: "eigenvector", key: "eigenvector", num: true },
    { label: "betweenness", key: "betweenness", num: true, digits: 1 },
  ], top));
}

async function contest(params) {
  const target = Number(params.target) || 840;
  const patrons = (params.patrons || state.majors.slice(0, 3).join(",")).split(",").map(Number).filter(Boolean);
  const c = await api("/api/influence/contest", { target, patrons: patrons.join(",") });
  const rows = c.items;
  const page = document.getElementById("page");
  const patronBoxes = el("fieldset", { class: "controls", id: "contest-patrons" }, el("legend", {}, "Patrons"),
    state.states.filter((s) => [...state.majors, 740, 750, 732, 900, 255].includes(s.ccode)).map((s) => el("label", {},
      el("input", { type: "checkbox", value: s.ccode, checked: patrons.includes(s.ccode) ? "checked" : null,
        onchange: () => {
          const chosen = [...document.querySelectorAll("#contest-patrons input:checked")].map((i) => i.value);
          if (chosen.length) navigate(`#/contest?target=${target}&patrons=${chosen.join(",")}`);
        } }), s.name)));
  page.replaceChildren(
    el("h1", {}, `Influence contest over ${nameOf(target)}`),
    el("p", { class: "lede" }, "Each patron's influence on the target, and its share of the chosen patrons' total, year by year."),
    el("div", { class: "controls" },
      select("Target", "contest-target", stateOptions(), target, (e) => navigate(`#/contest?target=${e.target.value}&patrons=${patrons.join(",")}`))),
    patronBoxes,
    el("div", { class: "grid" },
      card("Share of the patrons' influence", ...chartBox("chart-share", basisLine(c.meta))),
      card("Influence of each patron", ...chartBox("chart-level", basisLine(c.meta)))),
  );
  if (!rows.length) {
    empty("chart-share", `Share of influence over ${nameOf(target)}`, `None of these patrons has recorded influence on ${nameOf(target)}.`);
    empty("chart-level", `Influence on ${nameOf(target)}`, `None of these patrons has recorded influence on ${nameOf(target)}.`);
    return;
  }
  const byPatron = groupBy(rows, "patron");
  plot("chart-share", byPatron.map(([, mine], i) => ({
    type: "scatter", mode: "lines", stackgroup: "share", name: mine[0].patron_name, x: mine.map((r) => r.year), y: mine.map((r) => r.share), line: { color: PALETTE[i % PALETTE.length] },
  })), layout(`Share of influence over ${nameOf(target)}`, "Year", "Share of the patrons' total (0–1)"));
  plot("chart-level", byPatron.map(([, mine], i) => ({
    type: "scatter", mode: "lines+markers", name: mine[0].patron_name, x: mine.map((r) => r.year), y: mine.map((r) => r.influence), line: { color: PALETTE[i % PALETTE.length] },
  })), layout(`Influence on ${nameOf(target)}`, "Year", "Influence index (0–1)"));
}

async function sources() {
  const s = await api("/api/sources", { limit: 1000 });
  const page = document.getElementById("page");
  page.replaceChildren(
    el("h1", {}, "Data & sources"),
    el("p", { class: "lede" }, "Every dataset in this ledger, with its version, coverage (outside it values are missing, never zero), licence and citation. ",
      link("/api/citations", "All citations as text"), " · ", link("/api/citations?format=bibtex", "BibTeX")),
    card(`${s.total} datasets`, table([
      { label: "id", key: "id" },
      { label: "name", get: (r) => (r.url ? link(r.url, r.name) : r.name) },
      { label: "version", key: "version" },
      { label: "coverage", get: (r) => `${r.coverage_start ?? "…"}–${r.coverage_end ?? "…"}${r.coverage_actors ? " (patrons " + r.coverage_actors.join(", ") + ")" : ""}` },
      { label: "rows", key: "rows", num: true },
      { label: "licence", key: "licence" },
      { label: "citation", key: "citation" },
    ], s.items)),
    card("Validation against UN votes",
      el("p", { class: "lede" }, "Does the influence index predict how targets vote at the UN General Assembly? Weights are fitted on 1970–2005 and every predictor is scored on 2006–2015, with bootstrap 95% intervals over targets. The first run takes about 20 s on the full datasets."),
      el("button", { id: "run-validation", type: "button", onclick: runValidation }, "Run the validation"),
      el("div", { id: "validation" })),
  );
}

async function runValidation() {
  const box = document.getElementById("validation");
  const button = document.getElementById("run-validation");
  button.disabled = true;
  box.replaceChildren(el("p", { class: "note" }, "Computing…"));
  try {
    const v = await api("/api/validation");
    box.replaceChildren(
      table([
        { label: "predictor", key: "predictor" },
        { label: "within-target ρ", key: "within_rho", num: true },
        { label: "95% CI", key: "within_ci" },
        { label: "pooled ρ", key: "pooled_rho", num: true },
        { label: "top-1", key: "top1", num: true },
        { label: "target-years", key: "target_years", num: true },
        { label: "informative", key: "informative", num: true },
      ], v.items),
      el("p", { class: "source" }, `Source: Voeten UNGA votes (excess three-category agreement) against the legation influence index; patrons ${v.meta.patrons.map(nameOf).join(", ")}; fitted weights ${Object.entries(v.meta.fitted_weights).map(([k, w]) => `${k} ${fmt(w, 2)}`).join(", ")}.`));
  } catch (err) {
    box.replaceChildren(el("p", { class: "note" }, err.message));
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------
// routing

const VIEWS = { overview, country, dyad, network, contest, sources };

function parseHash() {
  const [path, query] = (window.location.hash.replace(/^#\/?/, "") || "overview").split("?");
  const parts = path.split("/").filter(Boolean);
  const params = Object.fromEntries(new URLSearchParams(query || ""));
  const name = VIEWS[parts[0]] ? parts[0] : "overview";
  if (name === "country" && parts[1]) params.id = parts[1];
  if (name === "dyad") { if (parts[1]) params.a = parts[1]; if (parts[2]) params.b = parts[2]; }
  return { name, params };
}

function navigate(hash) {
  if (window.location.hash === hash) render();
  else window.location.hash = hash;
}

async function render() {
  const { name, params } = parseHash();
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.page === name);
  document.body.dataset.page = name;
  document.body.dataset.ready = "false";
  showProblem("");
  const started = performance.now();
  try {
    if (!state.states) {
      const [st, health, instruments, groups] = await Promise.all(
        [api("/api/states", { limit: 1000 }), api("/api/health"), api("/api/instruments"), api("/api/groups")]);
      state.instruments = instruments.items.map((i) => i.name);
      // the major powers: today's permanent members of the Security Council, in display order
      const p5 = groups.items.find((g) => g.id === "P5");
      state.majors = p5 ? [...new Set(p5.members.filter((m) => !m.end).map((m) => m.ccode))] : [];
      state.states = st.items.slice().sort((p, q) => p.name.localeCompare(q.name));
      for (const s of st.items) state.names.set(s.ccode, s.name);
      document.getElementById("ledger-name").textContent = `ledger ${health.ledger}`;
    }
    await VIEWS[name](params);
  } catch (err) {
    showProblem(err.message);
  } finally {
    document.body.dataset.loadMs = String(Math.round(performance.now() - started));
    document.body.dataset.ready = "true";
  }
}

window.addEventListener("hashchange", render);
window.addEventListener("DOMContentLoaded", render);

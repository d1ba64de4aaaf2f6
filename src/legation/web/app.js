// legation dashboard: one page per view, each reading only the REST API of the same server.
// A view is a function (params) -> Promise that fills #page; add a route to VIEWS to add a page. A page
// in its own file (static/pages/NAME.js, loaded after this one in index.html) sets VIEWS.NAME itself.
"use strict";

// the toolbar shows only while the pointer is on a chart, so it never sits on a title
const PLOT_CONFIG = { responsive: true, displaylogo: false, displayModeBar: "hover",
  modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"], topojsonURL: "/vendor/topojson/" };
// 14 colours, one per instrument, told apart with normal sight and by deuteranopes and protanopes
// (CIELAB ΔE ≥ 18 between any two, simulated; tests/test_browser.py checks it): Paul Tol's muted and
// light sets with Okabe–Ito's blue, sky blue, yellow and mauve; the strong ones first, for lines
const PALETTE = ["#0072B2", "#882255", "#117733", "#997700", "#332288", "#EE8866", "#56B4E9", "#CC6677",
  "#CCBB44", "#CC79A7", "#99DDFF", "#FFAABB", "#EEDD88", "#F0E442"];
const state = { states: null, names: new Map(), instruments: [], directed: new Map(), majors: [], sources: null, world: null };

// one fixed colour per instrument (the vocabulary comes from /api/instruments), others after them
function colorOf(instrument) {
  const i = state.instruments.indexOf(instrument);
  return PALETTE[(i < 0 ? state.instruments.length : i) % PALETTE.length];
}

// a colour per state of one chart: each major power its own on every page (in their display order),
// the other states the next free ones, in the order given
function stateColors(codes) {
  const out = new Map();
  let next = state.majors.length;
  for (const c of codes.map(Number)) {
    const i = state.majors.indexOf(c);
    out.set(c, PALETTE[(i >= 0 ? i : next++) % PALETTE.length]);
  }
  return out;
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
  return reply(await fetch(url));
}

// a write route: JSON in, with the token `legation serve` printed (pages keep it in memory only)
async function apiPost(path, body, token) {
  const res = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return reply(res);
}

// a response's body, or an error with the problem's detail and, for a refused file, each problem's line
async function reply(res) {
  const type = res.headers.get("content-type") || "";
  const body = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok) {
    const err = new Error(body && body.detail ? body.detail : `${res.status} ${res.statusText}`);
    if (body && body.errors) {
      err.message += ": " + body.errors.map((p) => `line ${p.row ?? "?"}, ${p.field || p.loc}: ${p.message || p.msg}`).join("; ");
    }
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
    title: { text: title, font: { size: 15 }, x: 0, xref: "paper", xanchor: "left" },
    margin: { t: 48, r: 16, b: 56, l: 64 },
    xaxis: { title: { text: xTitle }, automargin: true },
    yaxis: { title: { text: yTitle }, automargin: true },
    legend: { orientation: "h", y: -0.22 },
    paper_bgcolor: "#fff",
    plot_bgcolor: "#fff",
  }, extra);
}

// a step of 1, 2 or 5 × 10^k giving about six ticks up to `span`, never below 1: whole numbers only
function wholeStep(span) {
  const raw = Math.max(1, span / 6);
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
}

// an axis of counts (engagements): ticks on whole numbers, from 0
function countAxis(title, max) {
  return { title: { text: title }, automargin: true, rangemode: "tozero", tick0: 0, dtick: wholeStep(max), tickformat: ",d" };
}

// an axis of calendar years: ticks on whole years, at least ten years wide (so one year's bar is not
// stretched across the chart), padded half a year so end points show
function yearAxis(title, lo, hi) {
  const extra = Math.max(0, 10 - (hi - lo)) / 2;
  const [a, b] = [Math.floor(lo - extra), Math.ceil(hi + extra)];
  return { title: { text: title }, automargin: true, tick0: 0, dtick: wholeStep(b - a), tickformat: "d", range: [a - 0.5, b + 0.5] };
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

// a table of `rows` in a scrolling box; each column has a label and a key or a getter (num:
// right-aligned, cls: a cell class)
function table(columns, rows, caption) {
  const head = el("tr", {}, columns.map((c) => el("th", { class: c.num ? "num" : c.cls || null }, c.label)));
  const body = rows.map((r) => el("tr", {}, columns.map((c) => {
    const v = c.get ? c.get(r) : r[c.key];
    return el("td", { class: c.num ? "num" : c.cls || null }, v instanceof Node ? v : fmt(v, c.digits ?? 3));
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
    ? `Influence index ${meta.index || "v2"}: ${meta.meaning || "how much a patron's military engagements tie a target to it (0–1)."} Source: ATOP 5.1, SIPRI, MME/JME, US troops and visits, McManus–Nieman; the years all five channels cover.`
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
  const patronColor = stateColors(groupBy(rows, "patron").map(([code]) => code));
  plot("chart-outward", groupBy(rows, "patron").map(([code, mine]) => ({
    type: "scatter", mode: "lines+markers", name: mine[0].patron_name, x: mine.map((r) => r.year),
    y: mine.map((r) => r.outward), line: { color: patronColor.get(code) }, marker: { color: patronColor.get(code) },
  })), layout("Outward influence of the leading patrons", "Year", "Outward influence (sum of index, 0–1 per target)",
    { xaxis: yearAxis("Year", lo, hi) }));

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
  plot("chart-channels", channels.map((c) => ({
    type: "bar", name: c, orientation: "h", y: leaders.map((r) => r.patron_name), x: leaders.map((r) => r[`score_${c}`] || 0),
    marker: { color: colorOf((meta.instruments || {})[c] || c) },  // a channel in its instrument's colour
  })), layout(`Channel scores summed over targets, ${year}`, "Sum of channel scores (0–1 per target)", "", {
    barmode: "stack", yaxis: { autorange: "reversed", automargin: true }, margin: { t: 48, r: 16, b: 56, l: 150 },
    legend: { orientation: "v", x: 1.02, y: 1, traceorder: "normal" },
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
    const perYear = groupBy(rows, "year").map(([, mine]) => mine.reduce((t, r) => t + r[key], 0));
    const yrs = p.by_year.map((r) => r.year);  // both charts over the same years
    plot(id, byInstrument.map(([inst, mine]) => ({
      type: "bar", name: inst, x: mine.map((r) => r.year), y: mine.map((r) => r[key]), marker: { color: colorOf(inst) },
    })), layout(`Engagements ${title} by ${p.name}, by instrument`, "Year", "Engagements (count)", {
      barmode: "stack", xaxis: yearAxis("Year", Math.min(...yrs), Math.max(...yrs)),
      yaxis: countAxis("Engagements (count)", Math.max(...perYear)) }));
  }
  document.getElementById("partners").append(
    table([{ label: "Patron (sends to " + p.name + ")", get: (r) => link(`#/dyad/${r.ccode}/${code}`, r.name) },
      { label: "engagements", key: "incoming", num: true }], p.patrons, null),
    table([{ label: "Client (receives from " + p.name + ")", get: (r) => link(`#/dyad/${code}/${r.ccode}`, r.name) },
      { label: "engagements", key: "outgoing", num: true }], p.clients, null));
  if (p.arms.length) {
    const ay = p.arms.map((r) => r.year);
    plot("chart-arms", [
      { type: "scatter", mode: "lines+markers", name: "Herfindahl index of suppliers", x: ay, y: p.arms.map((r) => r.hhi),
        line: { color: PALETTE[0] }, marker: { color: PALETTE[0] } },
      { type: "scatter", mode: "lines+markers", name: "Top supplier's share", x: ay, y: p.arms.map((r) => r.top_share),
        line: { color: PALETTE[2] }, marker: { color: PALETTE[2] },
        text: p.arms.map((r) => r.top_supplier_name), hovertemplate: "%{text}: %{y:.2f}<extra></extra>" },
    ], layout(`Arms-import concentration of ${p.name}`, "Year", "Share / index (0–1)", {
      xaxis: yearAxis("Year", Math.min(...ay), Math.max(...ay)), yaxis: { range: [0, 1.05], title: { text: "Share / index (0–1)" } } }));
  } else {
    empty("chart-arms", `Arms-import concentration of ${p.name}`, "No arms imports recorded.");
  }
  const align = p.alignment;
  if (align.length) {
    const ly = align.map((r) => r.year);
    const majorColor = stateColors(groupBy(align, "major").map(([major]) => major));
    plot("chart-align", groupBy(align, "major").map(([major, mine]) => ({
      type: "scatter", mode: "lines", name: mine[0].major_name, x: mine.map((r) => r.year), y: mine.map((r) => r.agree3), line: { color: majorColor.get(major) },
    })), layout(`UN General Assembly agreement of ${p.name}`, "Year", "Agreement (share of joint roll calls, 0–1)",
      { xaxis: yearAxis("Year", Math.min(...ly), Math.max(...ly)) }));
  } else {
    empty("chart-align", `UN General Assembly agreement of ${p.name}`, "No UN roll calls in this ledger: import unvotes-voeten (legation data import-dir).");
  }
}

function link(href, text) {
  return el("a", { href }, text);
}

// a date at the precision it was recorded: 2002, 2002-03 or 2002-03-14, never 2002-01-01 for a year
function dateAt(date, precision) {
  if (!date) return null;
  const d = String(date).slice(0, 10);
  return precision === "year" ? d.slice(0, 4) : precision === "month" ? d.slice(0, 7) : d;
}

function period(r) {
  const a = dateAt(r.start_date, r.start_precision), b = dateAt(r.end_date, r.end_precision);
  return b && b !== a ? `${a} – ${b}` : a;
}

// the source's own fields worth reading (details), labelled; flags set to 1 listed by name
const DETAIL_FIELDS = [["name", ""], ["series", "series"], ["jme_type", "type"], ["location", "at"],
  ["weapon_designation", ""], ["weapon_description", ""], ["number_delivered", "delivered"], ["status", ""],
  ["comments", ""], ["mission", "mission"], ["mission_country", "in"], ["basename", "site"], ["title", ""],
  ["report", "report"], ["troops_all", "troops"], ["event_text", ""], ["variable", "variable"], ["value", "value"]];
const DETAIL_FLAGS = { defense: "defence", offense: "offence", neutral: "neutrality", nonagg: "non-aggression",
  consul: "consultation", air: "air", land: "land", sea: "sea", amphibious: "amphibious", cyber: "cyber",
  cpx: "command post", warfighting: "warfighting", peacekeeping: "peacekeeping", humanitarian: "humanitarian" };

function describe(r) {
  let d = {};
  try { d = r.details ? JSON.parse(r.details) : {}; } catch { d = {}; }
  const parts = [];
  for (const [k, label] of DETAIL_FIELDS) {
    const v = d[k];
    if (v === null || v === undefined || v === "" || String(v) === "-9") continue;
    parts.push(label ? `${label} ${fmt(v)}` : String(v));
  }
  const flags = Object.entries(DETAIL_FLAGS).filter(([k]) => d[k] === 1).map(([, label]) => label);
  if (flags.length) parts.push(flags.join(", "));
  const key = (t) => t.toLowerCase().replace(/[^a-z0-9]/g, "");
  return parts.filter((t, i) => parts.findIndex((u) => key(u) === key(t)) === i).join(" · ");
}

// the source and its reference; a reference that is only the row's raw key (pipe-joined) is left out
function sourceCell(r) {
  if (r.source_ref && /^https?:/.test(r.source_ref)) return link(r.source_ref, r.source_name);
  if (!r.source_ref || r.source_ref.includes("|")) return r.source_name;
  return `${r.source_name} · ${r.source_ref}`;
}

// who took part: several states in one event, two states jointly, or one acting on the other
function sides(r) {
  if (r.parties > 2) return el("span", { class: "pill" }, `multilateral: ${r.parties} states`);
  return joint(r) ? `${r.actor} and ${r.partner}` : `${r.actor} → ${r.partner}`;
}

// a bilateral event of both: an undirected instrument, or recorded both ways (MME's humanitarian pairs)
function joint(r) {
  return r.parties === 2 || (!r.parties && state.directed.get(r.instrument) === false);
}

async function dyad(params) {
  const a = Number(params.a) || 2, b = Number(params.b) || 750;
  const d = await api(`/api/dyads/${a}/${b}`, { limit: 1000 });
  const rows = d.items;
  const page = document.getElementById("page");
  page.replaceChildren(
    el("h1", {}, `Dyad explorer: ${d.meta.a.name} and ${d.meta.b.name}`),
    el("p", { class: "lede" }, "Every engagement between the two states, either way, with its source; and how closely they vote at the UN General Assembly. Dates are shown as precisely as the source records them; an event with more than two states (a multilateral exercise or treaty) is marked as such."),
    el("div", { class: "controls" },
      select("State A", "dyad-a", stateOptions(), a, (e) => navigate(`#/dyad/${e.target.value}/${b}`)),
      select("State B", "dyad-b", stateOptions(), b, (e) => navigate(`#/dyad/${a}/${e.target.value}`))),
    el("div", { class: "grid" },
      card("Timeline of engagements", ...chartBox("chart-timeline", `Source: ${[...new Set(rows.map((r) => r.source_name))].join("; ") || "the ledger"}`)),
      card("UN voting alignment", ...chartBox("chart-dyad-align", "Source: Voeten UNGA votes; agreement, Signorino–Ritter S and Cohen's κ"))),
    card(`${d.total} engagements`, el("div", { id: "dyad-table" })),
  );
  const kinds = [
    [`${nameOf(a)} → ${nameOf(b)}`, (r) => !r.parties && !joint(r) && r.actor_ccode === a],
    [`${nameOf(b)} → ${nameOf(a)}`, (r) => !r.parties && !joint(r) && r.actor_ccode === b],
    ["joint, the two of them", joint],
    ["multilateral (3 or more states)", (r) => r.parties > 2],
  ];
  if (!rows.length) empty("chart-timeline", `Engagements between ${d.meta.a.name} and ${d.meta.b.name}`, "No engagements recorded between these two states.");
  else plot("chart-timeline", kinds.map(([name, keep], i) => {
    const mine = rows.filter(keep);
    return { type: "scatter", mode: "markers", name, x: mine.map((r) => r.start_date), y: mine.map((r) => r.instrument),
      text: mine.map((r) => `${period(r)} · ${r.source_name}${describe(r) ? "<br>" + describe(r) : ""}`),
      marker: { size: 10, color: PALETTE[i], opacity: 0.8, symbol: mine.map((r) => (r.polarity < 0 ? "x" : i === 3 ? "diamond" : "circle")) },
      hovertemplate: "%{y}: %{text}<extra></extra>" };
  }).filter((t) => t.x.length), layout(`Engagements between ${d.meta.a.name} and ${d.meta.b.name}`, "Start date", "Instrument", { margin: { t: 48, r: 16, b: 56, l: 110 } }));
  const al = d.meta.alignment;
  if (al.length) {
    const ay = al.map((r) => r.year);
    plot("chart-dyad-align", [["agree3", "Agreement (3 categories)"], ["s_abs", "Signorino–Ritter S"], ["cohen_kappa", "Cohen's κ"]].map(([k, label], i) => ({
      type: "scatter", mode: "lines", name: label, x: ay, y: al.map((r) => r[k]), line: { color: PALETTE[i] },
    })), layout(`UN voting alignment, ${d.meta.a.name}–${d.meta.b.name}`, "Year", "Alignment (−1 to 1; agreement 0–1)",
      { xaxis: yearAxis("Year", Math.min(...ay), Math.max(...ay)) }));
  } else {
    empty("chart-dyad-align", `UN voting alignment, ${d.meta.a.name}–${d.meta.b.name}`, "No UN roll calls in this ledger: import unvotes-voeten (legation data import-dir).");
  }
  document.getElementById("dyad-table").append(table([
    { label: "when", get: period, cls: "nowrap" },
    { label: "instrument", key: "instrument" },
    { label: "who", get: sides },
    { label: "magnitude", get: (r) => (r.magnitude === null ? "—" : `${fmt(r.magnitude)} ${r.unit}`) },
    { label: "", get: (r) => (r.polarity < 0 ? el("span", { class: "neg" }, "suspension") : "") },
    { label: "what", get: (r) => describe(r) || "—" },
    { label: "source", get: sourceCell },
    { label: "note", key: "note" },
  ], rows));
}

const NETWORK_LABELS = 20;  // states named on the chart: the strongest; the rest on hover
const NETWORK_TIES = 400;  // ties drawn at most: the strongest (and any as strong as the last)

// the strongest states to name on the chart, skipping any too close to one already named, so no two
// labels sit on each other
function labelled(ranked) {
  const xs = ranked.map((v) => v.x), ys = ranked.map((v) => v.y);
  const w = Math.max(...xs) - Math.min(...xs) || 1, h = Math.max(...ys) - Math.min(...ys) || 1;
  const out = [];
  for (const v of ranked) {
    if (out.length >= NETWORK_LABELS) break;
    if (out.every((u) => Math.abs(u.x - v.x) / w > 0.07 || Math.abs(u.y - v.y) / h > 0.04)) out.push(v);
  }
  return new Set(out.map((v) => v.ccode));
}

// a number with exactly `digits` decimals, thousands separated
function fixed(x, digits) {
  return x === null || x === undefined ? "—" : Number(x).toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function strengthOf(v) {
  return v.strength ?? (v.strength_out ?? 0) + (v.strength_in ?? 0);
}

async function network(params) {
  const menu = await api("/api/network/channels");
  const choices = new Map(menu.choices.map((c) => [c.name, c]));
  const channel = choices.has(params.channel) ? params.channel : menu.default.channel;
  const ch = choices.get(channel);
  const asked = Number(params.year) || (channel === menu.default.channel ? menu.default.year : ch.last);
  const year = Math.min(ch.last, Math.max(ch.first, asked));
  const n = await api("/api/network", { channel, year });
  const page = document.getElementById("page");
  page.replaceChildren(
    el("h1", {}, `Network: ${channel}, ${year}`),
    el("p", { class: "lede" }, `States tied by the chosen channel in one year; colours are blocs (Leiden communities), node size is strength (the sum of a state's tie weights). Up to ${NETWORK_LABELS} of the strongest states are named, where their labels fit; point at any other to read it.`),
    el("div", { class: "controls" },
      select("Channel", "network-channel", menu.choices.map((c) => ({ value: c.name, label: c.label })), channel, (e) => navigate(`#/network?channel=${e.target.value}&year=${year}`)),
      select("Year", "network-year", years(ch.first, ch.last), year, (e) => navigate(`#/network?channel=${channel}&year=${e.target.value}`))),
    el("div", { class: "grid" },
      card("Network", ...chartBox("chart-network", "", true)),
      card("Most central states", el("p", { class: "source" }, "Ranked by strength, then by name."), el("div", { id: "network-table" }))),
  );
  const nodes = n.nodes;
  const byCode = new Map(nodes.map((v) => [v.ccode, v]));
  const ranked = [...nodes].sort((p, q) => strengthOf(q) - strengthOf(p) || String(p.name).localeCompare(String(q.name)));
  const named = labelled(ranked);
  // the strongest ties only, so the layout can be read; the threshold is said under the chart
  const ties = [...n.edges].sort((p, q) => q.weight - p.weight);
  const floor = ties.length > NETWORK_TIES ? ties[NETWORK_TIES - 1].weight : -Infinity;
  const drawn = ties.filter((e) => e.weight >= floor && byCode.has(e.ccode1) && byCode.has(e.ccode2));
  const ex = [], ey = [];
  for (const e of drawn) {
    const s = byCode.get(e.ccode1), t = byCode.get(e.ccode2);
    ex.push(s.x, t.x, null); ey.push(s.y, t.y, null);
  }
  const shownTies = drawn.length < ties.length ? `${fmt(drawn.length)} strongest of ${fmt(ties.length)} ties drawn (weight ≥ ${fmt(floor, 2)})` : `all ${fmt(ties.length)} ties drawn`;
  page.querySelector("#chart-network + .source").textContent =
    `Source: ${n.origin}; ${n.directed ? "directed" : "undirected"} ties; ${shownTies}; layout Fruchterman–Reingold.`;
  const maxStrength = Math.max(1e-9, ...nodes.map(strengthOf));
  const blocs = [...new Set(nodes.map((v) => v.bloc))].sort((p, q) => p - q);
  const traces = [{ type: "scatter", mode: "lines", x: ex, y: ey, line: { color: "#aab4c3", width: 0.6 }, opacity: drawn.length > 150 ? 0.35 : 0.8, hoverinfo: "skip", name: "ties", showlegend: false }];
  blocs.forEach((bl, i) => {
    const mine = nodes.filter((v) => v.bloc === bl);
    traces.push({ type: "scatter", mode: "markers", name: `bloc ${bl} (${mine.length})`, x: mine.map((v) => v.x), y: mine.map((v) => v.y),
      customdata: mine.map((v) => [v.name, fmt(strengthOf(v), 2), v.degree ?? (v.degree_out ?? 0) + (v.degree_in ?? 0)]),
      hovertemplate: "%{customdata[0]}<br>strength %{customdata[1]}, %{customdata[2]} partners<extra>bloc " + bl + "</extra>",
      marker: { color: PALETTE[i % PALETTE.length], size: mine.map((v) => 6 + 18 * Math.sqrt(strengthOf(v) / maxStrength)), line: { color: "#fff", width: 1 } } });
  });
  // the names last, so no node is drawn over them
  const labels = nodes.filter((v) => named.has(v.ccode));
  traces.push({ type: "scatter", mode: "text", name: "names", showlegend: false, hoverinfo: "skip", x: labels.map((v) => v.x),
    y: labels.map((v) => v.y), text: labels.map((v) => v.abb || String(v.ccode)), textposition: "top center",
    textfont: { size: 11, color: "#1d2330" } });
  if (!nodes.length) empty("chart-network", `${channel} network, ${year}`, `No ${channel} ties recorded in ${year}.`);
  else plot("chart-network", traces, layout(`${channel} network, ${year}: ${nodes.length} states, ${n.edges.length} ties`, "", "", {
    xaxis: { showticklabels: false, zeroline: false, showgrid: false },
    yaxis: { showticklabels: false, zeroline: false, showgrid: false },
    margin: { t: 48, r: 8, b: 8, l: 8 },
    legend: { orientation: "h", y: -0.02 },
  }));
  const whole = nodes.every((v) => Number.isInteger(strengthOf(v)));
  document.getElementById("network-table").append(table([
    { label: "#", get: (v) => ranked.indexOf(v) + 1, num: true },
    { label: "state", get: (v) => link(`#/country/${v.ccode}`, v.name || String(v.ccode)) },
    { label: "bloc", key: "bloc", num: true },
    { label: "strength", get: (v) => fixed(strengthOf(v), whole ? 0 : 2), num: true },
    { label: "partners", get: (v) => v.degree ?? (v.degree_out ?? 0) + (v.degree_in ?? 0), num: true },
    { label: "eigenvector", get: (v) => fixed(v.eigenvector, 3), num: true },
    { label: "betweenness", get: (v) => fixed(v.betweenness, 1), num: true },
  ], ranked.slice(0, 25)));
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
  const win = c.meta.window;
  const source = `${basisLine(c.meta)} Years shown: ${win.note}; outside them a channel's data are missing, not zero.`;
  for (const id of ["chart-share", "chart-level"]) document.querySelector(`#${id} + .source`).textContent = source;
  if (!rows.length) {
    empty("chart-share", `Share of influence over ${nameOf(target)}`, `None of these patrons has recorded influence on ${nameOf(target)}.`);
    empty("chart-level", `Influence on ${nameOf(target)}`, `None of these patrons has recorded influence on ${nameOf(target)}.`);
    return;
  }
  const byPatron = groupBy(rows, "patron");
  const colour = stateColors(byPatron.map(([code]) => code));
  const xaxis = yearAxis("Year", win.first, win.last);
  // a contest needs two: where one patron alone has influence its share is 100 % by construction
  const contested = groupBy(rows, "year").some(([, mine]) => mine.filter((r) => r.influence > 0).length >= 2);
  const active = byPatron.filter(([, mine]) => mine.some((r) => r.influence > 0)).map(([, mine]) => mine[0].patron_name);
  if (contested) {
    plot("chart-share", byPatron.map(([code, mine]) => ({
      type: "scatter", mode: "lines", stackgroup: "share", name: mine[0].patron_name, x: mine.map((r) => r.year), y: mine.map((r) => r.share),
      line: { color: colour.get(code), width: 1 }, fillcolor: colour.get(code),
      hovertemplate: `${mine[0].patron_name}: %{y:.1%}<extra>%{x}</extra>`,
    })), layout(`Share of influence over ${nameOf(target)}`, "Year", "Share of the patrons' total (0–1)", { xaxis, yaxis: { range: [0, 1], title: { text: "Share of the patrons' total (0–1)" } } }));
  } else {
    empty("chart-share", `Share of influence over ${nameOf(target)}`, `Only ${active.join(", ") || "none"} of the chosen patrons has recorded influence on ${nameOf(target)} in ${win.first}–${win.last}: a share would be 100 % by construction, so none is drawn.`);
  }
  plot("chart-level", byPatron.map(([code, mine]) => ({
    type: "scatter", mode: "lines+markers", name: mine[0].patron_name, x: mine.map((r) => r.year), y: mine.map((r) => r.influence),
    line: { color: colour.get(code) }, marker: { color: colour.get(code), size: 5 },
  })), layout(`Influence on ${nameOf(target)}`, "Year", "Influence index (0–1)", { xaxis }));
}

// a source's coverage window: 1815–2018, 2014, from 1950, until 2018, or — when it has none
function coverageYears(r) {
  const a = r.coverage_start, b = r.coverage_end;
  if (a == null && b == null) return "—";
  if (a == null) return `until ${b}`;
  if (b == null) return `from ${a}`;
  return a === b ? String(a) : `${a}–${b}`;
}

// every dataset in two lines: what it is (name, id, version, years, rows, licence), then, across the
// whole table, what it covers and how to cite it
function sourcesTable(items) {
  const cols = ["dataset", "version", "years", "rows", "licence"];
  const head = el("tr", {}, cols.map((c) => el("th", { class: c === "rows" ? "num" : null }, c)));
  const body = items.flatMap((r) => [
    el("tr", { class: "source-head" },
      el("td", {}, r.url ? link(r.url, r.name) : r.name, " ", el("code", { class: "muted" }, r.id)),
      el("td", {}, r.version), el("td", { class: "nowrap" }, coverageYears(r)),
      el("td", { class: "num" }, fmt(r.rows)), el("td", {}, r.licence)),
    el("tr", { class: "source-more" }, el("td", { colspan: cols.length },
      r.coverage_actors || r.coverage_note
        ? el("p", {}, el("b", {}, "Covers: "), r.coverage_actors ? `patrons ${r.coverage_actors.map(nameOf).join(", ")}. ` : "", r.coverage_note || "")
        : null,
      el("p", {}, el("b", {}, "Cite: "), r.citation))),
  ]);
  return el("div", { class: "full-table" }, el("table", { class: "sources" }, el("thead", {}, head), el("tbody", {}, body)));
}

async function sources() {
  const s = await api("/api/sources", { limit: 1000 });
  const page = document.getElementById("page");
  page.replaceChildren(
    el("h1", {}, "Data & sources"),
    el("p", { class: "lede" }, "Every dataset in this ledger, with its version, coverage (outside it values are missing, never zero), licence and citation. ",
      link("/api/citations", "All citations as text"), " · ", link("/api/citations?format=bibtex", "BibTeX")),
    card(`${s.total} datasets`, sourcesTable(s.items)),
    card("Validation against UN votes",
      el("p", { class: "lede" }, "Do changes in the influence index foretell how targets shift their votes at the UN General Assembly? Index v1 and v2 side by side: (a) levels, (b) shift AUC, the primary test, (c) forecast gain over the vote history, (d) event study. Everything is fitted on 1970–2005 and scored on 2006–2015, with bootstrap 95% intervals over targets. The first run takes several seconds on the full datasets."),
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
        { label: "test", key: "test" },
        { label: "predictor", key: "predictor" },
        { label: "v1 [95% CI]", key: "v1" },
        { label: "v2 [95% CI]", key: "v2" },
      ], v.items),
      el("p", { class: "source" }, `Source: Voeten UNGA votes (excess three-category agreement) against the legation influence index; patrons ${v.meta.patrons.map(nameOf).join(", ")}; v2 weights fitted on shift windows ${Object.entries(v.meta.fitted_weights.v2 || {}).map(([k, w]) => `${k} ${fmt(w, 2)}`).join(", ")}. See docs/validation.md.`));
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
      state.directed = new Map(instruments.items.map((i) => [i.name, i.directed]));
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

// Optimise page: choose a shipped plan (or paste or upload one), optimise it on the served ledger, and
// read where the money goes: the allocation map and bars, the limits that bind with their shadow prices,
// the baselines on fresh draws and, when asked, the efficient frontier (expected gain against CVaR).
// Running needs the token `legation serve` printed (kept in this page's memory only).
"use strict";

const opt = { list: [], result: null, token: "" };

function optStatus(message) {
  document.getElementById("optimise-status").textContent = message;
}

async function drawAllocationMap(out) {
  const world = await worldGeometry();
  const rows = out.by_partner;
  plot("optimise-map", [
    { type: "choropleth", geojson: world, locations: world.features.map((f) => f.id), z: world.features.map(() => 0),
      featureidkey: "id", showscale: false, colorscale: [[0, "#eceff3"], [1, "#eceff3"]], hoverinfo: "skip",
      marker: { line: { color: "#ffffff", width: 0.4 } } },
    { type: "choropleth", geojson: world, featureidkey: "id", locations: rows.map((r) => r.ccode), z: rows.map((r) => r.spend_musd),
      text: rows.map((r) => r.partner), colorscale: [[0, "#c7e9c0"], [1, "#00441b"]], colorbar: { title: { text: "US$ m" } },
      hovertemplate: "%{text}: US$ %{z:.1f} m<extra></extra>", marker: { line: { color: "#ffffff", width: 0.4 } } },
  ], layout(`Where the money goes, ${out.years[0]}–${out.years[out.years.length - 1]}`, "", "", {
    geo: { projection: { type: "natural earth" }, showland: false, showcountries: false, showcoastlines: false,
      showocean: false, showlakes: false, showrivers: false, showframe: false, fitbounds: "locations", bgcolor: "#fff" },
    margin: { t: 48, r: 8, b: 8, l: 8 },
  }));
}

function drawBars(out) {
  const partners = out.by_partner.map((r) => r.partner);
  const instruments = [...new Set(out.by_pair.map((r) => r.instrument))];
  plot("optimise-bars", instruments.map((name) => ({
    type: "bar", orientation: "h", name, y: partners,
    x: partners.map((p) => (out.by_pair.find((r) => r.partner === p && r.instrument === name) || { spend_musd: 0 }).spend_musd),
    marker: { color: colorOf(name) },
  })), layout("Allocation by partner and instrument", "US$ million over the horizon", "", {
    barmode: "stack", yaxis: { autorange: "reversed", automargin: true }, margin: { t: 48, r: 16, b: 56, l: 130 },
  }));
}

function drawFrontier(out) {
  if (!out.frontier) {
    empty("optimise-frontier", "No frontier", "Tick 'Trace the frontier' and optimise again to see it.");
    return;
  }
  document.getElementById("optimise-frontier").classList.remove("empty");
  const f = out.frontier;
  const points = out.comparison.map((r, i) => ({
    type: "scatter", mode: "markers", name: r.allocation, x: [r.cvar_loss], y: [r.expected_gain],
    marker: { size: 11, symbol: ["star", "square", "diamond", "circle"][i % 4], color: PALETTE[(i + 1) % PALETTE.length] },
  }));
  plot("optimise-frontier", [
    { type: "scatter", mode: "lines+markers", name: "efficient frontier", x: f.map((p) => p.cvar_loss),
      y: f.map((p) => p.expected_gain), line: { color: "#0072B2", width: 2 }, marker: { size: 5 } },
    ...points,
  ], layout("Efficient frontier: expected gain against CVaR of the loss", "CVaR of the loss (lower is safer)",
    "expected gain (priority-weighted excess agreement)"));
}

function drawOptimised() {
  const out = opt.result;
  const s = out.summary;
  const box = document.getElementById("optimise-result");
  box.replaceChildren(
    card(`${out.plan}: ${out.patron}, ${out.years[0]}–${out.years[out.years.length - 1]}`,
      el("p", { id: "optimise-headline" },
        `US$ ${s.spend_musd.toFixed(1)} m; expected gain ${s.expected_gain.toFixed(4)} (90 % interval ${s.gain_5.toFixed(4)} to ${s.gain_95.toFixed(4)}); ` +
        `CVaR${Math.round(100 * s.cvar_level)} of the loss ${s.cvar_loss.toFixed(4)}. Solved by ${s.solver} in ${out.seconds.toFixed(1)} s.`),
      el("p", { id: "optimise-basis", class: "note" }, `Response: ${s.basis}.`)),
    card("Allocation",
      ...chartBox("optimise-map", "Spending per partner over the horizon. Map: Natural Earth; allocation: legation optimiser."),
      ...chartBox("optimise-bars", "Colours: instruments.")),
    card("Limits that bind",
      out.binding.length
        ? table([
          { label: "limit", key: "constraint" },
          { label: "value", key: "limit", num: true, digits: 2 },
          { label: "shadow price", key: "shadow_price", num: true, digits: 6 },
        ], out.binding, "Shadow price: expected gain bought by one more unit of the limit (US$ million, or CVaR).", true)
        : el("p", { class: "note" }, "No limit binds.")),
    card("Against the baselines, on fresh draws",
      table([
        { label: "allocation", key: "allocation" },
        { label: "US$ m", key: "spend_musd", num: true, digits: 1 },
        { label: "expected gain", key: "expected_gain", num: true, digits: 4 },
        { label: "5 %", key: "gain_5", num: true, digits: 4 },
        { label: "95 %", key: "gain_95", num: true, digits: 4 },
        { label: "CVaR of loss", key: "cvar_loss", num: true, digits: 4 },
      ], out.comparison, "Scored on draws the solve never saw. Status quo: the patron's recorded engagements; proportional: priority × expected response.", true)),
    card("Efficient frontier", ...chartBox("optimise-frontier", "Each point: the most expected gain at that CVaR limit. Markers: the allocations above.")),
    card("Marginal values",
      table([
        { label: "partner", key: "partner" },
        { label: "instrument", key: "instrument" },
        { label: "gain per US$ m", key: "marginal_gain_per_musd", num: true, digits: 6 },
      ], out.marginal.slice(0, 15), "What one more US$ million in the last year would buy, best first.", true)),
  );
  drawAllocationMap(out);
  drawBars(out);
  drawFrontier(out);
}

function chosenPlan() {
  const name = document.getElementById("plan-choice").value;
  return opt.list.find((p) => p.file === name);
}

function showPlan() {
  const p = chosenPlan();
  document.getElementById("plan-asks").textContent = p ? p.asks : "";
  document.getElementById("plan-yaml").value = p ? p.yaml : "";
}

async function runPlan() {
  opt.token = document.getElementById("optimise-token").value.trim();
  const p = chosenPlan();
  const text = document.getElementById("plan-yaml").value;
  const frontier = document.getElementById("optimise-frontier-box").checked;
  const body = p && text === p.yaml ? { plan: p.file, frontier } : { yaml: text, frontier };
  optStatus("Optimising…");
  try {
    opt.result = await apiPost("/api/optimise", body, opt.token);
    const n = opt.result.by_partner.length;
    optStatus(`Optimised: ${n} partner${n === 1 ? "" : "s"} funded.`);
    drawOptimised();
  } catch (err) {
    optStatus(err.message);
  }
}

async function loadPlanFile(e) {
  const file = e.target.files[0];
  if (!file) return;
  document.getElementById("plan-yaml").value = await file.text();
  document.getElementById("plan-asks").textContent = `Uploaded: ${file.name}`;
}

VIEWS.optimise = async () => {
  const page = document.getElementById("page");
  opt.list = await api("/api/optimise/plans");
  const opts = opt.list.map((p) => ({ value: p.file, label: p.name }));
  page.replaceChildren(
    el("h1", {}, "Optimise"),
    el("p", { class: "lede" }, "Where and how does a budget buy the most alignment for the least risk? Choose a shipped plan or write your own: the optimiser allocates the money across partners, instruments and years under the budget, the bounds, the fixed commitments and the risk limits, and compares the result with the status quo and a proportional rule on fresh draws. The response is a documented prior unless a calibrated model says otherwise (see docs/optimise.md)."),
    card("Plan",
      el("div", { class: "controls" },
        select("Shipped plan", "plan-choice", opts, opts.length ? opts[0].value : "", showPlan),
        el("label", { for: "plan-file" }, "Or upload a file", el("input", { id: "plan-file", type: "file", accept: ".yaml,.yml", onchange: loadPlanFile })),
        el("label", { for: "optimise-frontier-box" }, "Trace the frontier", el("input", { id: "optimise-frontier-box", type: "checkbox" })),
        el("label", { for: "optimise-token" }, "Token", el("input", { id: "optimise-token", type: "password", autocomplete: "off", value: opt.token }))),
      el("p", { id: "plan-asks", class: "note" }, ""),
      el("label", { for: "plan-yaml" }, "Plan file (YAML; edit it to ask your own question)",
        el("textarea", { id: "plan-yaml", rows: "12", cols: "90", spellcheck: "false" })),
      el("button", { id: "run-plan", type: "button", onclick: runPlan }, "Optimise"),
      el("p", { id: "optimise-status", class: "note", role: "status" }, "")),
    el("div", { id: "optimise-result" }),
  );
  showPlan();
  if (opt.result) drawOptimised();
};

// Scenarios page: choose a shipped scenario (or paste or upload one), run it against its baseline, and
// read the difference it makes: fan charts of alignment for a chosen pair (baseline and scenario), the
// effect with its interval, the channel scores the scenario changes, risk-event probabilities and the
// parameter set used. Running needs the token `legation serve` printed (kept in this page's memory only).
"use strict";

const scen = { list: [], result: null, token: "", pair: null };

function scenStatus(message) {
  document.getElementById("scenario-status").textContent = message;
}

function pairLabel(p) {
  return `${p.patron_iso3 || p.patron} → ${p.target_iso3 || p.target}`;
}

function pairKey(p) {
  return `${p.patron}-${p.target}`;
}

function band(rows, arm, lo, hi, color, name, show) {
  const r = rows.filter((b) => b.arm === arm);
  const x = r.map((b) => b.year);
  return [
    { x, y: r.map((b) => b[hi]), mode: "lines", line: { width: 0, color }, hoverinfo: "skip", showlegend: false },
    { x, y: r.map((b) => b[lo]), mode: "lines", line: { width: 0, color }, fill: "tonexty", fillcolor: color,
      name, showlegend: show, hoverinfo: "skip" },
  ];
}

function meanLine(rows, arm, color, name, dash) {
  const r = rows.filter((b) => b.arm === arm);
  return { x: r.map((b) => b.year), y: r.map((b) => b.mean), mode: "lines+markers", name,
    line: { color, width: 2, dash }, marker: { size: 4 } };
}

function drawPair() {
  const out = scen.result;
  const p = out.pairs.find((q) => pairKey(q) === scen.pair) || out.pairs[0];
  const rows = out.bands.filter((b) => b.patron === p.patron && b.target === p.target).sort((a, b) => a.year - b.year);
  const lo = out.base_year + 1, hi = out.years[out.years.length - 1];
  plot("scenario-fan", [
    ...band(rows, "baseline", "q10", "q90", "rgba(120,120,120,0.18)", "baseline 80 %", true),
    ...band(rows, "scenario", "q10", "q90", "rgba(0,114,178,0.22)", "scenario 80 %", true),
    meanLine(rows, "baseline", "#555", "baseline mean", "dot"),
    meanLine(rows, "scenario", "#0072B2", "scenario mean", "solid"),
  ], layout(`Excess UN agreement, ${pairLabel(p)}`, "year", "excess agreement", { xaxis: yearAxis("year", lo, hi) }));
  plot("scenario-effect", [
    ...band(rows, "difference", "q05", "q95", "rgba(136,34,85,0.2)", "90 % interval", true),
    meanLine(rows, "difference", "#882255", "mean effect", "solid"),
  ], layout(`Effect of the scenario (scenario − baseline), ${pairLabel(p)}`, "year", "difference in excess agreement",
    { xaxis: yearAxis("year", lo, hi) }));
  const infl = out.influence.filter((r) => r.patron === p.patron && r.target === p.target);
  const channels = [...new Set(infl.map((r) => r.channel))];
  const traces = [];
  channels.forEach((c, i) => {
    for (const arm of ["baseline", "scenario"]) {
      const r = infl.filter((x) => x.channel === c && x.arm === arm).sort((a, b) => a.year - b.year);
      traces.push({ x: r.map((x) => x.year), y: r.map((x) => x.score), mode: "lines", name: `${c} (${arm})`,
        line: { color: PALETTE[i % PALETTE.length], dash: arm === "baseline" ? "dot" : "solid" } });
    }
  });
  if (traces.length) {
    document.getElementById("scenario-influence").classList.remove("empty");
    plot("scenario-influence", traces, layout(`Influence score per channel, ${pairLabel(p)}`, "year", "score (bandwidth × dependence)",
      { xaxis: yearAxis("year", out.base_year, hi) }));
  } else {
    empty("scenario-influence", "No channel scores", "No channel records this pair.");
  }
}

function drawResult() {
  const out = scen.result;
  const box = document.getElementById("scenario-result");
  const opts = out.pairs.map((p) => ({ value: pairKey(p), label: pairLabel(p) }));
  if (!scen.pair || !opts.some((o) => o.value === scen.pair)) scen.pair = opts[0].value;
  const byPair = new Map(out.pairs.map((p) => [pairKey(p), p]));
  box.replaceChildren(
    card(`${out.name}: the effect in ${out.years[out.years.length - 1]}`,
      table([
        { label: "pair", get: (r) => pairLabel(byPair.get(pairKey(r))) },
        { label: "baseline", key: "baseline", num: true },
        { label: "scenario", key: "scenario", num: true },
        { label: "effect", key: "difference", num: true, digits: 4 },
        { label: "90 % low", key: "lo90", num: true, digits: 4 },
        { label: "90 % high", key: "hi90", num: true, digits: 4 },
      ], out.headline, `Mean excess UN agreement over ${out.draws} draws from ${out.base_year}; the effect is scenario − baseline per draw (same seed).`, true),
      ...out.notes.map((n) => el("p", { class: "note" }, n))),
    card("Fan charts",
      select("Pair", "scenario-pair", opts, scen.pair, (e) => { scen.pair = e.target.value; drawPair(); }),
      ...chartBox("scenario-fan", "Bands: 10th–90th percentiles of the draws. Source: UN General Assembly votes (excess agreement), legation model."),
      ...chartBox("scenario-effect", "Band: 5th–95th percentiles of the per-draw difference: the parameters' uncertainty."),
      ...chartBox("scenario-influence", "Dotted: baseline; solid: scenario. Scores from the influence index's channels.")),
    card("Risk-event probabilities",
      out.risks.length
        ? el("div", { id: "scenario-risks" }, table([
          { label: "risk", key: "risk" },
          { label: "pair", get: (r) => pairLabel(byPair.get(pairKey(r))) },
          { label: "baseline", key: "baseline", num: true },
          { label: "scenario", key: "scenario", num: true },
          { label: "difference", key: "difference", num: true },
        ], riskRows(out.risks, out.years[out.years.length - 1]),
        `Yearly probability of each event in ${out.years[out.years.length - 1]} over the draws; the difference is scenario − baseline. Escalation, dependency and opposition are calibrated from data; covert exposure and misinformation are documented priors (docs/model.md, "Risks").`))
        : el("p", { id: "scenario-risks", class: "note" }, "No risk process is calibrated yet, so no probability is shown (none is made up).")),
    card(`Parameter set (trained on ${out.train[0]}–${out.train[1]})`,
      table([
        { label: "parameter", key: "name" },
        { label: "value", key: "value", num: true, digits: 4 },
        { label: "90 % low", key: "lo90", num: true, digits: 4 },
        { label: "90 % high", key: "hi90", num: true, digits: 4 },
        { label: "from", key: "source" },
      ], out.parameters, "Bootstrap over targets; 'override' marks a value the scenario set.", true)),
  );
  drawPair();
}

function chosenScenario() {
  const name = document.getElementById("scenario-choice").value;
  return scen.list.find((s) => s.file === name);
}

function showChosen() {
  const s = chosenScenario();
  document.getElementById("scenario-asks").textContent = s ? s.asks : "";
  document.getElementById("scenario-yaml").value = s ? s.yaml : "";
}

async function runScenario() {
  scen.token = document.getElementById("scenario-token").value.trim();
  const s = chosenScenario();
  const text = document.getElementById("scenario-yaml").value;
  const draws = Number(document.getElementById("scenario-draws").value) || 500;
  const body = s && text === s.yaml ? { scenario: s.name, draws } : { yaml: text, draws };
  scenStatus("Simulating…");
  try {
    scen.result = await apiPost("/api/simulations", body, scen.token);
    scenStatus(`${scen.result.draws} draws of ${scen.result.pairs.length} pairs.`);
    drawResult();
  } catch (err) {
    scenStatus(err.message);
  }
}

async function loadFile(e) {
  const file = e.target.files[0];
  if (!file) return;
  document.getElementById("scenario-yaml").value = await file.text();
  document.getElementById("scenario-asks").textContent = `Uploaded: ${file.name}`;
}

// one row per risk and pair in `year`, its arms side by side
function riskRows(risks, year) {
  const rows = new Map();
  for (const r of risks.filter((x) => x.year === year)) {
    const k = `${r.risk}|${r.patron}-${r.target}`;
    if (!rows.has(k)) rows.set(k, { risk: r.risk, patron: r.patron, target: r.target });
    rows.get(k)[r.arm] = r.probability;
  }
  return [...rows.values()];
}

VIEWS.scenarios = async () => {
  const page = document.getElementById("page");
  scen.list = await api("/api/simulations/scenarios");
  const opts = scen.list.map((s) => ({ value: s.file, label: s.name }));
  page.replaceChildren(
    el("h1", {}, "Scenarios"),
    el("p", { class: "lede" }, "What happens if… Choose a shipped scenario or upload your own, and the model simulates it against the baseline from the last year the data cover. The headline is the difference the scenario makes, with its interval; it is what the calibrated model implies, not a causal finding (see the backtest in docs/model.md)."),
    card("Scenario",
      el("div", { class: "controls" },
        select("Shipped scenario", "scenario-choice", opts, opts.length ? opts[0].value : "", showChosen),
        el("label", { for: "scenario-file" }, "Or upload a file", el("input", { id: "scenario-file", type: "file", accept: ".yaml,.yml", onchange: loadFile })),
        el("label", { for: "scenario-draws" }, "Draws", el("input", { id: "scenario-draws", type: "number", min: "10", max: "2000", value: "500" })),
        el("label", { for: "scenario-token" }, "Token", el("input", { id: "scenario-token", type: "password", autocomplete: "off", value: scen.token }))),
      el("p", { id: "scenario-asks", class: "note" }, ""),
      el("label", { for: "scenario-yaml" }, "Scenario file (YAML; edit it to ask your own question)",
        el("textarea", { id: "scenario-yaml", rows: "12", cols: "90", spellcheck: "false" })),
      el("button", { id: "run-scenario", type: "button", onclick: runScenario }, "Simulate"),
      el("p", { id: "scenario-status", class: "note", role: "status" }, "")),
    el("div", { id: "scenario-result" }),
  );
  showChosen();
  if (scen.result) drawResult();
};
